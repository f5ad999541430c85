"""The exhaust engine: every canonical program within bounds, once; shards that partition the
programs; a resumed run that neither skips nor repeats; each gallery bug found at the depth it
declares, and each legal variant clean."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from arenacheck import resources
from arenacheck.cli import main
from arenacheck.drive import run_program
from arenacheck.engines import exhaust, selftest
from arenacheck.engines.exhaust import Bounds, Certificate, Enumeration
from arenacheck.engines.exhaust.alphabet import _text, canonical_keys, ordered
from arenacheck.engines.exhaust.enumeration import _hash
from arenacheck.engines.selftest import is_process, spec_of, structures_of
from arenacheck.implementation import from_file
from arenacheck.program import read
from arenacheck.sessions.intervals import IntervalSession
from arenacheck.strict import NONE
from arenacheck.targets import ImplSpec

BUNDLED = ImplSpec()
SMALL = {
    "alist": Bounds("alist", 2, keys=2, alphabet="set"),
    "intervals": Bounds("intervals", 3, keys=3, scopes=2),
}


def certify(bounds: Bounds, spec: ImplSpec = BUNDLED, **kw: Any) -> Certificate:
    impl = spec.load((bounds.structure,))
    try:
        certificate, found = exhaust.run(impl, spec, bounds, NONE, **kw)
    finally:
        impl.close()
    assert found is None, found.violation.describe()
    return certificate


# --- What is enumerated --------------------------------------------------------------------------


def test_the_programs_of_one_operation_are_the_alphabet_on_an_empty_state() -> None:
    # Set forms over the interior keys {-1, 0} and both 64-bit edges: an interior key other
    # than the smallest is not canonical alone; the edges are never relabelled.
    certificate = certify(Bounds("alist", 1, keys=2, alphabet="set"))
    keys = [-(2**63), -1, 2**63 - 1]
    expected = [
        *({"op": "insert", "src": 0, "key": k} for k in keys),
        {"op": "intersect", "a": 0, "b": 0},
        {"op": "union", "a": 0, "b": 0},
        *({"op": "get", "var": 0, "key": k} for k in keys),
        {"op": "get", "var": 0, "key": "k"},
        {"op": "items", "var": 0},
        {"op": "build"},
    ]
    assert certificate.programs == {1: len(expected)}
    digest = 0
    for op in expected:
        digest ^= _hash(_text([op]))
    assert certificate.digest == f"{digest:064x}"


def test_programs_that_differ_by_an_order_preserving_key_relabelling_run_once() -> None:
    ops = [{"op": "insert", "src": 0, "key": k} for k in (-1, 0)]
    bounds = Bounds("alist", 2, keys=3)
    assert canonical_keys(ops, bounds) == 0  # the two smallest interior keys
    assert canonical_keys(ops[1:], bounds) == 1  # 0 alone stands for -1 alone
    assert canonical_keys([{"op": "insert", "src": 0, "key": 1}], bounds) == 2
    for edge in (-(2**63), 2**63 - 1):  # never relabelled: canonical alone
        assert canonical_keys([{"op": "insert", "src": 0, "key": edge}], bounds) == 0


def test_accepted_records_run_in_one_order_and_refused_ones_anywhere() -> None:
    bounds = Bounds("intervals", 3, keys=3, scopes=2)
    session = IntervalSession(BUNDLED.load(("intervals",)))
    first = {"op": "record", "index": 1, "scope": 0}
    session.apply(first, 2)
    smaller = {"op": "record", "index": 0, "scope": 0}
    refused = {"op": "record", "index": True, "scope": 0}
    assert not ordered([first], smaller, session, bounds)
    assert ordered([first], refused, session, bounds)
    assert ordered([first], {"op": "record", "index": 1, "scope": 0}, session, bounds)


def test_every_order_runs_more_programs_than_one_order_per_set() -> None:
    ordered = certify(Bounds("intervals", 3, keys=3, scopes=2))
    every = certify(Bounds("intervals", 3, keys=3, scopes=2, commute=False))
    assert ordered.total < every.total
    assert ordered.programs[1] == every.programs[1]


def test_reading_a_certificate_back_gives_the_same_claim() -> None:
    certificate = certify(SMALL["intervals"])
    again = Certificate.from_json(json.loads(json.dumps(certificate.to_json())))
    assert again.claim() == certificate.claim()
    with pytest.raises(ValueError, match="not an exhaust certificate"):
        Certificate.from_json({"format": 2, "programs": 3})
    with pytest.raises(ValueError, match="format 1"):
        Certificate.from_json({"programs": 3})


# --- One enumeration, however it is run ----------------------------------------------------------


@pytest.mark.parametrize("structure", ["alist", "intervals"])
@pytest.mark.parametrize("count", [2, 3])
def test_the_shards_of_a_run_combine_into_the_whole(structure: str, count: int) -> None:
    bounds = SMALL[structure]
    whole = certify(bounds)
    shards = [certify(bounds, shard=(i, count)) for i in range(count)]
    assert all(s.total for s in shards)  # no shard is empty: the split spreads
    assert exhaust.combine(shards).claim() == whole.claim()


def test_combining_refuses_a_missing_or_repeated_shard() -> None:
    bounds = SMALL["intervals"]
    first, second = (certify(bounds, shard=(i, 2)) for i in range(2))
    with pytest.raises(ValueError, match="once each"):
        exhaust.combine([first])
    with pytest.raises(ValueError, match="once each"):
        exhaust.combine([first, first])
    with pytest.raises(ValueError, match="different runs"):
        exhaust.combine([first, certify(SMALL["alist"], shard=(1, 2))])
    assert exhaust.combine([second, first]).claim() == certify(bounds).claim()


class Interrupted(Exception):
    pass


@pytest.mark.parametrize("stop_after", [1, 5, 40])
def test_a_resumed_run_neither_skips_nor_repeats(stop_after: int) -> None:
    bounds = SMALL["alist"]
    impl = BUNDLED.load()
    saved: list[Certificate] = []

    def interrupt(run: Enumeration) -> None:
        saved.append(exhaust.checkpoint(run, None))
        if len(saved) == stop_after:
            raise Interrupted

    with pytest.raises(Interrupted):
        exhaust.run(impl, BUNDLED, bounds, NONE, on_unit=interrupt)
    assert not saved[-1].complete
    resumed, found = exhaust.run(impl, BUNDLED, bounds, NONE, resume=saved[-1])
    assert found is None
    assert resumed.claim() == certify(bounds).claim()


def test_a_checkpoint_of_another_run_is_refused() -> None:
    impl = BUNDLED.load()
    other = certify(Bounds("alist", 1, keys=2, alphabet="set"))
    with pytest.raises(ValueError, match="another run"):
        exhaust.run(impl, BUNDLED, SMALL["alist"], NONE, resume=other)


@pytest.mark.parametrize("structure", ["alist", "intervals"])
def test_sharing_prefixes_checks_what_rerunning_them_checks(structure: str) -> None:
    bounds = SMALL[structure]
    impl = BUNDLED.load()
    rerun = Enumeration(impl, bounds, NONE)
    rerun.snapshots = False
    rerun.run()
    shared = Enumeration(impl, bounds, NONE)
    shared.run()
    assert (rerun.programs, rerun.committed.digest, rerun.committed.stats.checks) == (
        shared.programs,
        shared.committed.digest,
        shared.committed.stats.checks,
    )
    assert rerun.executed > shared.executed


# --- The galleries -------------------------------------------------------------------------------


def declared(path: Path) -> dict[str, Any] | None:
    subject = from_file(path)
    assert hasattr(subject, "EXHAUST"), f"{path.stem} declares no EXHAUST bounds"
    bounds: dict[str, Any] | None = subject.EXHAUST
    return bounds


def test_every_gallery_bug_declares_its_witness_depth() -> None:
    out_of_reach = [p.stem for p in resources.bugs() if declared(p) is None]
    # A key beyond 64 bits, two builders alive at once, a map of more ranges than small programs
    # build, and a value no small domain holds (docs/exhaustive.md).
    expected = ["keys_wrapped_to_64_bits", "one_scratch_buffer", "search_depth_capped"]
    assert out_of_reach == [*expected, "sentinel_index"]


@pytest.mark.engine
@pytest.mark.parametrize(
    "path", [p for p in resources.bugs() if declared(p) is not None], ids=lambda p: p.stem
)
def test_every_gallery_bug_is_found_at_its_declared_depth(path: Path) -> None:
    subject: ModuleType = from_file(path)
    [structure] = structures_of(subject)
    bounds = Bounds(structure, **subject.EXHAUST)
    if getattr(subject, "ALONE", True) is False:  # state across programs: a process of its own
        found_afresh(path, bounds, subject.LAWS)
        return
    spec = ImplSpec(str(path))
    impl = spec.load((structure,))
    _, found = exhaust.run(impl, spec, bounds, NONE)
    assert found is not None, f"{path.stem}: nothing within {bounds}"
    assert found.depth == bounds.max_ops  # not shallower: the declared depth is the smallest
    assert found.violation.law in subject.LAWS
    assert run_program(found.program, impl).violation is not None  # shrunk, and replays


def found_afresh(path: Path, bounds: Bounds, laws: set[str]) -> None:
    """``arenacheck exhaust`` at ``bounds``, in a fresh process, finds a violation under one of
    ``laws`` (at ``max_ops`` operations or fewer: a violation that needs earlier programs shows
    wherever their state first tells)."""
    argv = [sys.executable, "-m", "arenacheck", "exhaust", "--impl", str(path)]
    argv += ["--structure", bounds.structure, "--max-ops", str(bounds.max_ops)]
    argv += ["--keys", str(bounds.keys), "--scopes", str(bounds.scopes)]
    argv += ["--alphabet", bounds.alphabet, "--out", tempfile.mkdtemp()]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "a violation at" in done.stdout
    assert any(f"law {law!r}" in done.stdout for law in laws), done.stdout


#: Bounds for the legal variants: every form, shallow (a process re-runs every prefix).
VARIANT_BOUNDS = {
    "alist": Bounds("alist", 2, keys=2),
    "intervals": Bounds("intervals", 4, keys=3, scopes=3),
}


@pytest.mark.engine
@pytest.mark.parametrize("path", resources.variants(), ids=lambda p: p.stem)
def test_every_legal_variant_passes(path: Path) -> None:
    subject = from_file(path)
    spec = spec_of(path, subject)
    for structure in structures_of(subject):
        bounds = VARIANT_BOUNDS[structure]
        if is_process(subject):
            bounds = Bounds(structure, 2, keys=1)
        assert certify(bounds, spec).total > 0


@pytest.mark.slow
def test_selftest_holds_exhaust_to_the_declared_bounds() -> None:
    bugs = resources.gallery() / "bugs"
    assert selftest.cell(bugs / "bool_index.py", "exhaust", 5).caught
    assert selftest.cell(bugs / "sentinel_index.py", "exhaust", 5).note.startswith("n/a")
    variant = selftest.cell(resources.variants()[0], "exhaust", 5, legal=True)
    assert not variant.caught and variant.describe() == "clean"


# --- The command ---------------------------------------------------------------------------------


def test_exhaust_prints_and_writes_its_certificate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.json"
    args = ["exhaust", "--structure", "intervals", "--max-ops", "3", "--keys", "3"]
    assert main([*args, "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "every canonical program within the bounds holds every law" in out
    written = json.loads(report.read_text())
    [certificate] = written["certificates"]
    assert certificate["total"] > 0 and certificate["bounds"]["max_ops"] == 3
    assert "arenacheck.impl" in certificate["implementation"]
    assert written["status"] == 0 and written["entries"]  # the ledger's report beside it


def test_exhaust_shards_combine_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["exhaust", "--structure", "intervals", "--max-ops", "3", "--keys", "3"]
    reports = []
    for index in range(2):
        reports.append(str(tmp_path / f"shard{index}.json"))
        assert main([*args, "--shard", f"{index}/2", "--report", reports[-1]]) == 0
    whole = str(tmp_path / "whole.json")
    assert main([*args, "--report", whole]) == 0
    combined = str(tmp_path / "combined.json")
    assert main(["exhaust", "--combine", *reports, "--report", combined]) == 0
    claims = [
        Certificate.from_json(json.loads(Path(f).read_text())["certificates"][0]).claim()
        for f in (whole, combined)
    ]
    assert claims[0] == claims[1]
    assert main(["exhaust", "--combine", reports[0]]) == 2
    assert "once each" in capsys.readouterr().err


def test_exhaust_resume_file_is_written_and_reused(tmp_path: Path) -> None:
    checkpoint = tmp_path / "run.json"
    args = ["exhaust", "--structure", "intervals", "--max-ops", "3", "--keys", "3"]
    assert main([*args, "--resume", str(checkpoint)]) == 0
    first = json.loads(checkpoint.read_text())
    assert first["complete"] and first["certificates"][0]["complete"]
    assert main([*args, "--resume", str(checkpoint)]) == 0  # nothing left to run: the same
    again = json.loads(checkpoint.read_text())
    assert again["certificates"][0]["digest"] == first["certificates"][0]["digest"]
    assert main([*args[:-1], "2", "--resume", str(checkpoint)]) == 2  # another run's


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--shard", "2/2"], "--shard is I/N"),
        (["--shard", "x"], "--shard is I/N"),
        (["--structure", "intervals", "--long"], "--long is a domain of alists"),
        (["--combine", "/no/such.json"], "no such file"),
    ],
)
def test_exhaust_usage_errors_are_one_line(
    flags: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["exhaust", *flags]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_exhaust_writes_the_smallest_violation_and_replay_reproduces_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bug = resources.gallery() / "bugs" / "coalesce_adjacent_only.py"
    args = ["exhaust", "--impl", str(bug), "--structure", "intervals", "--max-ops", "3"]
    assert main([*args, "--keys", "2", "--out", str(tmp_path)]) == 1
    [written] = tmp_path.glob("*.jsonl")
    assert len(read(written).ops) == 2  # record, build: the fewest operations that show it
    capsys.readouterr()
    assert main(["replay", str(written), "--impl", str(bug)]) == 1
