"""The mutation-testing driver (``make mutation``): what it skips, how it names a mutant, that
the equivalent mutants it subtracts are still there to subtract, and how it supervises its
workers and reads its session. The run itself takes half an hour and is not part of the suite
(docs/mutation.md)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_driver() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_run", ROOT / "mutation" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_run"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run = load_driver()


def test_mutants_inside_annotations_are_skipped_and_no_others() -> None:
    lines = ["def f(x: int | None, y=1 | 2) -> list[int] | None:", "    z: int | str = x | y"]
    spans = run.annotation_spans("\n".join(lines) + "\n")
    bars = [(n, col) for n, line in enumerate(lines, 1) for col, c in enumerate(line) if c == "|"]
    assert [run.in_annotation(spans, at) for at in bars] == [True, False, True, True, False]


def test_a_worker_path_names_the_repository_file() -> None:
    assert run.source_path("arenacheck/impl/kernels.py") == "impl/kernels.py"
    assert run.source_path("arenacheck/model/alist.py") == "model/alist.py"
    assert run.source_path("arenacheck/cli/check.py") == "arenacheck/cli/check.py"


def mutant(outcome: str, line: str = "x = 1", operator: str = "core/NumberReplacer") -> object:
    return run.Mutant("impl/kernels.py", operator, line, 3, outcome, "diff")


def test_the_score_subtracts_listed_equivalents_and_fails_on_any_other_survivor() -> None:
    listed = [
        {
            "module": "impl/kernels.py",
            "operator": "core/NumberReplacer",
            "line": "x = 1",
            "reason": "r",
        }
    ]
    found = [mutant("killed")] * 18 + [mutant("timeout"), mutant("survived")]
    text, ok = run.report(found, listed)
    assert ok and "**100.0%**" in text and "95.0%" in text
    text, ok = run.report([*found, mutant("survived", line="y = 2")], listed)
    assert not ok and "SURVIVED impl/kernels.py:3" in text


def test_a_listed_equivalent_that_is_killed_now_is_reported_stale() -> None:
    listed = [
        {
            "module": "impl/kernels.py",
            "operator": "core/NumberReplacer",
            "line": "x = 1",
            "reason": "r",
        }
    ]
    text, ok = run.report([mutant("killed")], listed)
    assert not ok and "did not survive" in text


def test_every_listed_equivalent_names_a_line_that_exists() -> None:
    for entry in run.equivalents():
        lines = {line.strip() for line in (ROOT / entry["module"]).read_text().splitlines()}
        assert entry["line"].strip() in lines, entry
        assert entry["reason"].strip(), entry


# --- The session: what the report and the progress display read --------------------------------


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A session of three mutants of a three-line file: one judged, one whose worker died, and
    one at line 99 (as a session made from other sources would hold)."""
    from cosmic_ray.work_db import use_db
    from cosmic_ray.work_item import MutationSpec, WorkerOutcome, WorkItem, WorkResult

    monkeypatch.setattr(run, "SOURCE", tmp_path / "source")
    monkeypatch.setattr(run, "LOGS", tmp_path / "logs")
    path = "arenacheck/impl/kernels.py"
    (tmp_path / "source" / path).parent.mkdir(parents=True)
    (tmp_path / "source" / path).write_text("a = 1\nb = 2\nc = 3\n")
    db_path = tmp_path / "session.sqlite"
    with use_db(str(db_path)) as db:
        for job, line in [("killed", 1), ("lost", 2), ("past-the-end", 99)]:
            spec = MutationSpec(path, "core/NumberReplacer", 0, (line, 4), (line, 5))
            db.add_work_item(WorkItem.single(job, spec))
        db.set_result("killed", WorkResult(WorkerOutcome.NORMAL, "F", "killed", "diff"))
        db.set_result("lost", WorkResult(WorkerOutcome.ABNORMAL, "Cannot connect to host"))
    yield db_path


def test_a_mutant_past_the_end_of_its_file_is_reported_not_a_crash(session: Path) -> None:
    found = {m.job: m for m in run.mutants(session)}
    assert (found["killed"].line, found["killed"].outcome) == ("a = 1", "killed")
    assert (found["lost"].line, found["lost"].outcome) == ("b = 2", "error")
    assert (found["past-the-end"].line, found["past-the-end"].outcome) == ("", "pending")
    text, ok = run.report(list(found.values()), [])
    assert not ok and "1 mutants did not run (worker errors)" in text
    assert "1 mutants not run yet" in text


def test_the_progress_counts_only_judged_mutants_and_never_fails(
    session: Path, tmp_path: Path
) -> None:
    assert run.counts(session) == (1, 3) and run.unjudged(session) == 2
    display = run.Display(tmp_path / "no-session.sqlite")
    display.tick()  # nothing to read: the bar stays as it was
    with run.Display(session) as display:
        assert display.bar.tasks[0].completed == 1 and display.bar.tasks[0].total == 3


def test_errors_are_queued_again_and_judged_mutants_are_not(session: Path) -> None:
    assert run.errors(session) == ["lost"]
    assert run.forget(session, run.errors(session)) == 1
    assert run.errors(session) == [] and run.counts(session) == (1, 3)
    assert [m.outcome for m in run.mutants(session)] == ["killed", "pending", "pending"]


def test_a_session_goes_on_only_over_its_own_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "SOURCE", tmp_path / "source")
    monkeypatch.setattr(run, "ROOT", tmp_path / "root")
    paths = ["arenacheck/impl/kernels.py"]
    with pytest.raises(run.Failure, match="no copy of its sources"):
        run.check_snapshot(paths)
    (tmp_path / "root" / paths[0]).parent.mkdir(parents=True)
    (tmp_path / "root" / paths[0]).write_text("a = 1\n")
    run.snapshot(paths, tmp_path / "root")
    run.check_snapshot(paths)
    (tmp_path / "root" / paths[0]).write_text("a = 2\n")
    with pytest.raises(run.Failure, match=r"impl/kernels\.py changed since the session began"):
        run.check_snapshot(paths)
    run.check_snapshot(paths, unchanged=False)  # enough to report it


# --- Supervising the workers ----------------------------------------------------------------------


class Rounds:
    """A fake run: each round judges the next count of mutants, and says why it was cut short."""

    def __init__(self, left: int, judged: list[int], why: list[str | None]) -> None:
        self.left, self.judged, self.why, self.ran, self.requeued = left, judged, why, 0, 0

    def round(self, number: int) -> str | None:
        assert number == self.ran + 1
        self.ran += 1
        self.left -= self.judged[number - 1]
        return self.why[number - 1]

    def requeue(self) -> int:
        self.requeued += 1
        return 0


def supervise(rounds: Rounds, limit: int = 5) -> int:
    return int(run.supervise(rounds.round, lambda: rounds.left, rounds.requeue, limit))


def test_rounds_go_on_after_a_dead_worker_until_every_mutant_is_judged() -> None:
    rounds = Rounds(100, [60, 0, 40], ["worker 1 exited with status -9", "worker 0 exited", None])
    assert supervise(rounds) == 3 and rounds.left == 0 and rounds.requeued == 4
    assert supervise(Rounds(0, [], [])) == 0  # nothing pending: no round at all


def test_a_round_that_ends_and_judges_nothing_stops_the_run() -> None:
    with pytest.raises(run.Failure, match="judged none of 100 mutants"):
        supervise(Rounds(100, [0], [None]))


def test_workers_that_keep_dying_stop_the_run_after_a_bounded_number_of_rounds() -> None:
    rounds = Rounds(100, [10, 10, 10], ["worker 0 exited with status -9"] * 3)
    with pytest.raises(run.Failure, match="70 mutants still unjudged after 3 rounds"):
        supervise(rounds, limit=3)
    assert rounds.ran == 3


def test_a_worker_that_exits_or_never_listens_is_named() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    gone.wait()
    assert run.wait_listening([gone], [run.free_port()]) == "worker 0 exited with status 3"
    mute = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        port = run.free_port()
        assert run.wait_listening([mute], [port], timeout=0.3) == (
            f"a worker was not listening on port {port} after 0 s"
        )
        assert run.dead([mute]) is None
    finally:
        run.stop([mute], grace=5.0)
    assert mute.returncode is not None


# --- What a user sees when the run cannot go on ---------------------------------------------------


@pytest.mark.parametrize(
    "error, message",
    [
        (run.Failure("the unmutated suite fails"), "mutation: the unmutated suite fails"),
        (RuntimeError("two\nlines"), "mutation: RuntimeError: two"),
        (KeyboardInterrupt(), "mutation: interrupted; `make mutation ARGS=--resume` carries on"),
    ],
)
def test_a_failure_is_one_line_and_exit_status_2(
    error: BaseException,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fails(args: object) -> int:
        raise error

    monkeypatch.setattr(run, "run", fails)
    assert run.main([]) == 2
    assert capsys.readouterr().err == message + "\n"


def test_a_usage_error_is_one_line_and_exit_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run.main(["--workers", "0"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
