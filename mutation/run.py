"""Mutation testing of ``impl/`` with Cosmic Ray: ``make mutation`` (docs/mutation.md).

Cosmic Ray edits the source file on disk, runs the test command, and puts the file back, so a
mutant is seen by every process the suite starts (the CLI and external-protocol tests run
subprocesses). Three things follow, and this script does them:

* The package is installed in development mode from ``impl/``; each worker gets a copy of the
  tree laid out as an importable ``arenacheck`` package under ``build/mutation/worker-N`` and puts
  it first on ``PYTHONPATH``, so that N workers can mutate N copies at once (Cosmic Ray's ``http``
  distributor). A baseline proves that the copy is what the tests import, and that the unmutated
  suite passes, before any mutant runs.
* The sources the session was made from are kept apart (``build/mutation/source``), where no
  worker mutates them: the report and the progress display read them, never a worker's copy,
  which holds a mutant (or half of one, while Cosmic Ray writes it) most of the time.
* The workers are supervised: the run goes in rounds of ``cosmic-ray exec`` on fresh workers, and
  a worker that dies ends its round; the mutants it left unjudged are queued again for the next.
  The run stops, with a one-line error, when a round judges nothing or after ``MAX_ROUNDS``.

Annotations are never evaluated (``from __future__ import annotations``), so mutants inside them
are skipped rather than reported as survivors. Survivors that no program can tell apart from the
original are listed, with the reason, in ``mutation/equivalent.toml``; the report subtracts them
and fails if any other mutant survives.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import os
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arenacheck.report import write_between_markers

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "mutation"
SESSION = BUILD / "session.sqlite"
#: The files the session's mutants were made from, at their paths in a worker's copy.
SOURCE = BUILD / "source"
LOGS = BUILD / "logs"
EQUIVALENT = ROOT / "mutation" / "equivalent.toml"
WORKER = ROOT / "mutation" / "worker.py"
#: Where each part of the source tree is in a worker's copy: the package as installed, model/ and
#: impl/ inside it (arenacheck/model and arenacheck/impl are symlinks to them; the copy follows).
LAYOUT = {"arenacheck": "arenacheck", "model": "arenacheck/model", "impl": "arenacheck/impl"}
COPIED = ("tests", "pyproject.toml")
#: Rounds of workers a run may take: a round ends early only when a worker dies.
MAX_ROUNDS = 5
#: Seconds a worker has to start listening, and between two looks at the workers and the session.
LISTEN_TIMEOUT = 60.0
POLL = 1.0
#: A mutant's time limit is the configured one, or this many times the baseline's, if longer.
TIMEOUT_FACTOR = 5.0
#: Worker outcomes (as the session stores them) that judge a mutant; any other is a worker error.
JUDGED = ("NORMAL", "SKIPPED")


class Failure(Exception):
    """Why the run cannot go on, in one line: ``main`` prints it and exits with status 2."""


def config() -> dict[str, Any]:
    """``[tool.cosmic-ray]`` of pyproject.toml, as Cosmic Ray's own config file wants it."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        return dict(tomllib.load(f)["tool"]["cosmic-ray"])


def module_paths(cfg: dict[str, Any]) -> list[str]:
    paths = cfg["module-path"]
    return [paths] if isinstance(paths, str) else list(paths)


def source_path(worker_path: str) -> str:
    """``arenacheck/impl/kernels.py`` (a worker's copy) -> ``impl/kernels.py`` (the repository)."""
    for source, copied in sorted(LAYOUT.items(), key=lambda kv: -len(kv[1])):
        if worker_path.startswith(copied + "/"):
            return source + worker_path[len(copied) :]
    return worker_path


# --- The sources of the session -------------------------------------------------------------------


def snapshot(paths: list[str], origin: Path) -> None:
    """Keep the files a new session is made from (``origin``: the copy it is made in)."""
    shutil.rmtree(SOURCE, ignore_errors=True)
    for path in paths:
        (SOURCE / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin / path, SOURCE / path)


def check_snapshot(paths: list[str], *, unchanged: bool = True) -> None:
    """The session's sources are kept; ``unchanged``: and the repository's are still the same (a
    session can go on only over the sources it was made from: its mutants are positions)."""
    for path in paths:
        if not (SOURCE / path).is_file():
            raise Failure(
                f"the session at {SESSION} has no copy of its sources (an older mutation/run.py"
                " made it): run `make mutation` afresh"
            )
        if unchanged and (SOURCE / path).read_bytes() != (ROOT / path).read_bytes():
            raise Failure(
                f"{source_path(path)} changed since the session began: run `make mutation`"
                " afresh, without --resume or --survivors"
            )


def source_lines(path: str) -> list[str]:
    """The lines of a session's source file; none if it is missing."""
    try:
        return (SOURCE / path).read_text().splitlines()
    except FileNotFoundError:
        return []


# --- Workers --------------------------------------------------------------------------------------


def make_worker(index: int) -> Path:
    """A fresh copy of the tree in the installed package's layout (over whatever a dead worker's
    test process may have left there)."""
    home = BUILD / f"worker-{index}"
    shutil.rmtree(home, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "arenacheck", home / "arenacheck", ignore=ignore, dirs_exist_ok=True)
    for name in COPIED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, home / name, ignore=ignore, dirs_exist_ok=True)
        else:
            shutil.copy2(ROOT / name, home / name)
    return home


def worker_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(home), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["ARENACHECK_PROFILE"] = "mutation"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def baseline(home: Path, test_command: str) -> float:
    """Refuse to start unless the copy is what gets imported and its suite passes unmutated;
    returns the seconds the suite took."""
    env = worker_env(home)
    probe = [sys.executable, "-c", "import arenacheck.impl as m; print(m.__file__)"]
    where = subprocess.run(probe, cwd=home, env=env, capture_output=True, text=True)
    if where.returncode != 0:
        why = (where.stderr.strip().splitlines() or ["no output"])[-1]
        raise Failure(f"the copy under {home} does not import: {why}")
    if not Path(where.stdout.strip()).resolve().is_relative_to(home.resolve()):
        raise Failure(f"the tests would import {where.stdout.strip()}, not the copy under {home}")
    started = time.monotonic()
    run = subprocess.run(
        shlex.split(test_command), cwd=home, env=env, capture_output=True, text=True
    )
    seconds = time.monotonic() - started
    if run.returncode != 0:
        LOGS.mkdir(parents=True, exist_ok=True)
        (LOGS / "baseline.log").write_text(run.stdout + run.stderr)
        raise Failure(
            f"the unmutated suite fails (exit status {run.returncode}); fix that first:"
            f" its output is in {LOGS / 'baseline.log'}"
        )
    return seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_worker(home: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, str(WORKER), str(port)],
            cwd=home,
            env=worker_env(home),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def dead(workers: list[subprocess.Popen[bytes]]) -> str | None:
    """Which worker has exited, if one has: a worker lives as long as its round."""
    for index, worker in enumerate(workers):
        if worker.poll() is not None:
            return f"worker {index} exited with status {worker.returncode}"
    return None


def wait_listening(
    workers: list[subprocess.Popen[bytes]], ports: list[int], timeout: float = LISTEN_TIMEOUT
) -> str | None:
    """Wait until every worker accepts connections; returns why not, if one exits or is late."""
    deadline = time.monotonic() + timeout
    waiting = list(ports)
    while waiting:
        died = dead(workers)
        if died:
            return died
        with socket.socket() as s:
            s.settimeout(1.0)
            if s.connect_ex(("127.0.0.1", waiting[0])) == 0:
                waiting.pop(0)
                continue
        if time.monotonic() > deadline:
            return f"a worker was not listening on port {waiting[0]} after {timeout:.0f} s"
        time.sleep(0.1)
    return None


def stop(processes: Iterable[subprocess.Popen[bytes]], grace: float) -> None:
    """Terminate the processes still running; kill those that are not gone after ``grace`` s."""
    running = [p for p in processes if p.poll() is None]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + grace
    for process in running:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Skipping mutants inside annotations ---------------------------------------------------


def annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) positions of every annotation: never evaluated under PEP 563."""
    spans = []
    for node in ast.walk(ast.parse(source)):
        notes: list[ast.expr | None] = []
        if isinstance(node, ast.arg):
            notes.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            notes.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            notes.append(node.annotation)
        for note in notes:
            if note is not None and note.end_lineno is not None and note.end_col_offset is not None:
                spans.append(
                    ((note.lineno, note.col_offset), (note.end_lineno, note.end_col_offset))
                )
    return spans


def in_annotation(
    spans: list[tuple[tuple[int, int], tuple[int, int]]], start: tuple[int, int]
) -> bool:
    return any(begin <= start < end for begin, end in spans)


def skip_annotations(session: Path) -> int:
    """Mark the mutants inside annotations as skipped; returns how many."""
    from cosmic_ray.work_db import use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    spans: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    skipped = 0
    with use_db(str(session)) as db:
        for item in list(db.work_items):
            (mutation,) = item.mutations
            path = str(mutation.module_path)
            if path not in spans:
                spans[path] = annotation_spans("\n".join(source_lines(path)) + "\n")
            if in_annotation(spans[path], tuple(mutation.start_pos)):
                outcome = WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output="annotation")
                db.set_result(item.job_id, outcome)
                skipped += 1
    return skipped


# --- Results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    """One mutant as the report and the equivalents file name it: stable across line moves."""

    module: str
    operator: str
    line: str  # the mutated source line, stripped
    number: int  # the line number, for people
    outcome: str  # killed | timeout | survived | skipped | incompetent | error
    diff: str
    job: str = ""  # Cosmic Ray's job id


def equivalents() -> list[dict[str, str]]:
    if not EQUIVALENT.exists():
        return []
    with EQUIVALENT.open("rb") as f:
        return list(tomllib.load(f).get("mutant", []))


def is_listed(mutant: Mutant, listed: list[dict[str, str]]) -> dict[str, str] | None:
    """The entry of ``equivalent.toml`` that explains ``mutant``: same module, same source line,
    same operator (``"*"``: every surviving mutant of that line, for a reason about the line)."""
    for entry in listed:
        if (
            entry["module"] == mutant.module
            and entry["line"].strip() == mutant.line
            and entry["operator"] in ("*", mutant.operator)
        ):
            return entry
    return None


def outcome_of(result: Any) -> str:
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    if result.worker_outcome == WorkerOutcome.SKIPPED:
        return "skipped"
    if result.worker_outcome != WorkerOutcome.NORMAL:
        return "error"
    if result.test_outcome == TestOutcome.SURVIVED:
        return "survived"
    if result.test_outcome == TestOutcome.INCOMPETENT:
        return "incompetent"
    return "timeout" if result.output == "timeout" else "killed"


def mutants(session: Path) -> Iterator[Mutant]:
    """Every mutant of the session, named by its line in the session's sources (a line past the
    end of its file, as no session of these sources holds, is named by the empty line)."""
    from cosmic_ray.work_db import WorkDB, use_db

    lines: dict[str, list[str]] = {}
    with use_db(str(session), WorkDB.Mode.open) as db:
        results = dict(db.results)
        for item in db.work_items:
            (mutation,) = item.mutations
            path = str(mutation.module_path)
            if path not in lines:
                lines[path] = source_lines(path)
            number = mutation.start_pos[0]
            result = results.get(item.job_id)
            yield Mutant(
                module=source_path(path),
                operator=mutation.operator_name,
                line=lines[path][number - 1].strip() if 0 < number <= len(lines[path]) else "",
                number=number,
                outcome="pending" if result is None else outcome_of(result),
                diff="" if result is None or result.diff is None else result.diff,
                job=item.job_id,
            )


def report(found: list[Mutant], listed: list[dict[str, str]]) -> tuple[str, bool]:
    """The summary and table of survivors; ok when every survivor is a listed equivalent."""
    counts = Counter(m.outcome for m in found)
    equivalent = [m for m in found if m.outcome == "survived" and is_listed(m, listed)]
    unexplained = [m for m in found if m.outcome == "survived" and not is_listed(m, listed)]
    stale = [
        e for e in listed if not any(is_listed(m, [e]) for m in found if m.outcome == "survived")
    ]
    killed = counts["killed"] + counts["timeout"] + counts["incompetent"]
    scored = killed + counts["survived"] - len(equivalent)
    score = 100.0 * killed / scored if scored else 0.0
    raw = 100.0 * killed / (killed + counts["survived"]) if killed + counts["survived"] else 0.0
    rows = [
        "| mutants | skipped (annotations) | killed | timed out | survived | of which equivalent"
        " | errors | pending | score | score counting equivalents |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {len(found)} | {counts['skipped']} | {counts['killed'] + counts['incompetent']}"
        f" | {counts['timeout']} | {counts['survived']} | {len(equivalent)} | {counts['error']}"
        f" | {counts['pending']} | **{score:.1f}%** | {raw:.1f}% |",
    ]
    by_module = Counter((m.module, m.outcome) for m in found)
    rows += [
        "",
        "| module | mutants | killed or timed out | survived (equivalent) |",
        "|---|---:|---:|---:|",
    ]
    for module in sorted({m.module for m in found}):
        total = sum(v for (mod, _), v in by_module.items() if mod == module)
        dead = sum(by_module[module, o] for o in ("killed", "timeout", "incompetent"))
        rows.append(f"| `{module}` | {total} | {dead} | {by_module[module, 'survived']} |")
    if equivalent:
        rows += ["", "Equivalent mutants (`mutation/equivalent.toml`), by source line:", ""]
        rows += ["| where | mutants | why no program can tell them apart |", "|---|---|---|"]
        for entry in listed:
            matched = [m for m in equivalent if is_listed(m, [entry])]
            if matched:
                ops = ", ".join(sorted({m.operator.removeprefix("core/") for m in matched}))
                where = f"`{matched[0].module}:{matched[0].number}` `{matched[0].line}`"
                rows.append(f"| {where} | {len(matched)}: {ops} | {entry['reason'].strip()} |")
    problems = []
    for m in unexplained:
        problems.append(f"SURVIVED {m.module}:{m.number} {m.operator}\n{m.diff}")
    for e in stale:
        problems.append(
            f"listed as equivalent but did not survive: {e['module']} {e['operator']} {e['line']!r}"
        )
    if counts["error"]:
        problems.append(f"{counts['error']} mutants did not run (worker errors)")
    if counts["pending"]:
        problems.append(f"{counts['pending']} mutants not run yet (run with --resume)")
    return "\n".join(rows) + ("\n\n" + "\n\n".join(problems) if problems else ""), not problems


# --- The session ----------------------------------------------------------------------------------


def counts(session: Path) -> tuple[int, int]:
    """(mutants judged, mutants) of a session, straight from its tables: a look while ``cosmic-ray
    exec`` writes to it costs two counts, and reads no source file."""
    from cosmic_ray.work_db import WorkItemStorage, WorkResultStorage

    items, results = WorkItemStorage.__tablename__, WorkResultStorage.__tablename__
    if not session.is_file():
        raise sqlite3.OperationalError(f"no session at {session}")
    with closing(sqlite3.connect(session, timeout=30.0)) as db:
        (total,) = db.execute(f"SELECT count(*) FROM {items}").fetchone()
        (judged,) = db.execute(
            f"SELECT count(*) FROM {results} WHERE worker_outcome IN (?, ?)", JUDGED
        ).fetchone()
    return int(judged), int(total)


def unjudged(session: Path) -> int:
    """Mutants not run yet, or left without a verdict by a worker."""
    judged, total = counts(session)
    return total - judged


def errors(session: Path) -> list[str]:
    """The jobs a worker left without a verdict (it died, or could not be reached)."""
    from cosmic_ray.work_db import WorkResultStorage

    with closing(sqlite3.connect(session, timeout=30.0)) as db:
        rows = db.execute(
            f"SELECT job_id FROM {WorkResultStorage.__tablename__}"
            " WHERE worker_outcome NOT IN (?, ?)",
            JUDGED,
        ).fetchall()
    return [str(job) for (job,) in rows]


def forget(session: Path, jobs: Iterable[str]) -> int:
    """Make these mutants pending again; returns how many. Survivors, after tests were added (a
    killed mutant stays killed by a stronger suite, so only survivors need running); errors, when
    a worker died and left its mutants unjudged."""
    from cosmic_ray.work_db import WorkResultStorage

    rows = [(job,) for job in jobs]
    with closing(sqlite3.connect(session, timeout=30.0)) as db, db:
        db.executemany(f"DELETE FROM {WorkResultStorage.__tablename__} WHERE job_id = ?", rows)
    return len(rows)


class Display:
    """A progress bar over the session's judged mutants. It reads two counts (``counts``), never a
    source file, and a look that fails (the session is locked, or not made yet) keeps the bar as
    it was: the display cannot end a run."""

    def __init__(self, session: Path) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self.session = session
        self.bar = Progress(
            "mutants", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=False
        )
        self.task = self.bar.add_task("mutants", total=None)

    def tick(self) -> None:
        try:
            judged, total = counts(self.session)
        except sqlite3.Error:
            return
        self.bar.update(self.task, completed=judged, total=total)

    def __enter__(self) -> Display:
        self.bar.start()
        self.tick()
        return self

    def __exit__(self, *exc: object) -> None:
        self.tick()
        self.bar.stop()


# --- The run -------------------------------------------------------------------------------------


def cosmic_ray() -> str:
    return str(Path(sys.executable).parent / "cosmic-ray")


def write_config(cfg: dict[str, Any], ports: list[int]) -> Path:
    """Cosmic Ray's config file: ``cfg`` with an http distributor over these workers' ports."""
    import toml  # Cosmic Ray's own dependency; it reads this file with it

    urls = [f"http://127.0.0.1:{port}" for port in ports]
    cfg = {**cfg, "distributor": {"name": "http", "http": {"worker-urls": urls}}}
    path = BUILD / "cosmic-ray.toml"
    path.write_text(toml.dumps({"cosmic-ray": cfg}))
    return path


def init(cfg: dict[str, Any], home: Path) -> None:
    """A new session of every mutant of ``home``'s sources, which are kept for its report."""
    SESSION.unlink(missing_ok=True)
    snapshot(module_paths(cfg), home)
    made = subprocess.run(
        [cosmic_ray(), "init", str(write_config(cfg, [])), str(SESSION)],
        cwd=home,
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        LOGS.mkdir(parents=True, exist_ok=True)
        (LOGS / "init.log").write_text(made.stdout + made.stderr)
        raise Failure(
            f"cosmic-ray init exited with status {made.returncode}: see {LOGS / 'init.log'}"
        )


def run_round(
    cfg: dict[str, Any], workers: int, number: int, tick: Callable[[], None]
) -> str | None:
    """One ``cosmic-ray exec`` of the pending mutants on ``workers`` fresh copies of the tree.
    Returns None when it finishes, or why it was cut short: a worker that dies (or never starts
    listening) ends the round at once, before Cosmic Ray sends it more mutants to fail unjudged."""
    LOGS.mkdir(parents=True, exist_ok=True)
    homes = [make_worker(index) for index in range(workers)]
    ports = [free_port() for _ in homes]
    cfg_file = write_config(cfg, ports)
    servers: list[subprocess.Popen[bytes]] = []
    run: subprocess.Popen[bytes] | None = None
    exec_log = LOGS / f"round-{number}-exec.log"
    try:
        for index, (home, port) in enumerate(zip(homes, ports, strict=True)):
            log = LOGS / f"round-{number}-worker-{index}.log"
            servers.append(start_worker(home, port, log))
        why = wait_listening(servers, ports)
        if why is not None:
            return why
        with exec_log.open("wb") as out:
            run = subprocess.Popen(
                [cosmic_ray(), "--verbosity", "INFO", "exec", str(cfg_file), str(SESSION)],
                cwd=homes[0],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        while run.poll() is None:
            why = dead(servers)
            if why is not None:
                return why
            tick()
            time.sleep(POLL)
        if run.returncode != 0:
            raise Failure(f"cosmic-ray exec exited with status {run.returncode}: see {exec_log}")
        return None
    finally:
        stop([] if run is None else [run], grace=10.0)
        # A worker stops once its mutant's tests end (Cosmic Ray puts the file back then).
        stop(servers, grace=float(cfg["timeout"]) + 10.0)


def supervise(
    round_: Callable[[int], str | None],
    unjudged: Callable[[], int],
    requeue: Callable[[], int],
    rounds: int = MAX_ROUNDS,
) -> int:
    """Run rounds until every mutant is judged; returns how many rounds that took. Before each
    round the mutants a dead worker left unjudged are queued again (``requeue``). A round that
    ran to its end and judged nothing, or mutants still unjudged after ``rounds``, end the run."""
    for number in range(1, rounds + 1):
        again = requeue()
        left = unjudged()
        if left == 0:
            return number - 1
        if again:
            print(f"mutation: {again} mutants that a worker left unjudged are queued again")
        why = round_(number)
        now = unjudged()
        if why is None and now >= left:
            raise Failure(f"cosmic-ray exec judged none of {left} mutants: see {LOGS}")
        if why is not None:
            print(f"mutation: round {number} cut short ({why}); {now} mutants left")
    left = unjudged()
    if left:
        raise Failure(
            f"{left} mutants still unjudged after {rounds} rounds of workers (the workers' and"
            f" Cosmic Ray's logs are in {LOGS}); `make mutation ARGS=--resume` tries them again"
        )
    return rounds


def execute(cfg: dict[str, Any], workers: int, mode: str) -> None:
    """Make a new session (mode ``fresh``), or carry on with the last one (``resume``; and
    ``survivors``: its survivors made pending again), and judge every pending mutant."""
    BUILD.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(LOGS, ignore_errors=True)
    fresh = mode == "fresh" or not SESSION.exists()
    if not fresh:
        check_snapshot(module_paths(cfg))
    home = make_worker(0)
    seconds = baseline(home, cfg["test-command"])
    cfg = {**cfg, "timeout": max(float(cfg["timeout"]), TIMEOUT_FACTOR * seconds)}
    print(
        f"mutation: the unmutated suite passes in {seconds:.1f} s;"
        f" a mutant's tests may take {cfg['timeout']:.0f} s"
    )
    if fresh:
        init(cfg, home)
        print(f"mutation: {skip_annotations(SESSION)} mutants inside annotations skipped")
    elif mode == "survivors":
        again = forget(SESSION, [m.job for m in mutants(SESSION) if m.outcome == "survived"])
        print(f"mutation: running {again} survivors again")

    def judge(display: Display) -> int:
        return supervise(
            lambda number: run_round(cfg, workers, number, display.tick),
            lambda: unjudged(SESSION),
            lambda: forget(SESSION, errors(SESSION)),
        )

    with Display(SESSION) as display:
        rounds = judge(display)
        # A listed equivalent passes the suite: if it timed out, the machine was busy then (or
        # the mutant loops, and times out again). It runs once more before it is called stale.
        listed = equivalents()
        slow = [m.job for m in mutants(SESSION) if m.outcome == "timeout" and is_listed(m, listed)]
        if slow:
            print(f"mutation: {len(slow)} listed equivalents timed out; running them again")
            forget(SESSION, slow)
            rounds += judge(display)
    print(f"mutation: {rounds} round{'' if rounds == 1 else 's'} of {workers} workers")


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (with a pointer to --help), exit status 2."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="mutation/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="copies mutated at once"
    )
    again = parser.add_mutually_exclusive_group()
    again.add_argument(
        "--resume",
        action="store_true",
        help="run only mutants not run yet (or left unjudged by a worker that died)",
    )
    again.add_argument(
        "--survivors",
        action="store_true",
        help="run the last session's survivors again (after adding tests)",
    )
    parser.add_argument("--report-only", action="store_true", help="report the last session")
    parser.add_argument(
        "--markdown", metavar="FILE", help="write the report into FILE (docs/mutation.md)"
    )
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f"--workers must be at least 1, not {args.workers}")
    try:
        return run(args)
    except Failure as exc:
        message = str(exc)
    except KeyboardInterrupt:
        message = "interrupted; `make mutation ARGS=--resume` carries on"
    except Exception as exc:  # never a traceback: what broke, in one line
        message = f"{type(exc).__name__}: {exc}"
    print(f"mutation: {(message.splitlines() or [''])[0]}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("cosmic_ray") is None:
        raise Failure("Cosmic Ray is not installed: pip install -e '.[mutation]' (make does)")
    cfg = config()
    if args.report_only:
        if not SESSION.exists():
            raise Failure(f"no session at {SESSION}: run without --report-only first")
        check_snapshot(module_paths(cfg), unchanged=False)
    else:
        started = time.monotonic()
        mode = "resume" if args.resume else "survivors" if args.survivors else "fresh"
        execute(cfg, args.workers, mode)
        print(f"mutation: {time.monotonic() - started:.0f} s with {args.workers} workers")
    text, ok = report(list(mutants(SESSION)), equivalents())
    print(text)
    if args.markdown:
        write_between_markers(Path(args.markdown), text + "\n", "mutation")
    return 0 if ok else 1


def terminated(signum: int, frame: object) -> None:
    """SIGTERM ends the run as Ctrl-C does: the workers and Cosmic Ray are stopped with it."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, terminated)
    sys.exit(main())
