"""Mutation testing of ``impl/`` with Cosmic Ray: ``make mutation`` (docs/mutation.md).

Cosmic Ray edits the source file on disk, runs the test command, and puts the file back, so a
mutant is seen by every process the suite starts (the CLI and external-protocol tests run
subprocesses). Two things follow, and this script does them:

* The package is installed in development mode from ``impl/``; each worker gets a copy of the
  tree laid out as an importable ``arenacheck`` package under ``build/mutation/worker-N`` and puts
  it first on ``PYTHONPATH``, so that N workers can mutate N copies at once (Cosmic Ray's ``http``
  distributor). A baseline proves that the copy is what the tests import, and that the unmutated
  suite passes, before any mutant runs.
* Annotations are never evaluated (``from __future__ import annotations``), so mutants inside them
  are skipped rather than reported as survivors.

Survivors that no program can tell apart from the original are listed, with the reason, in
``mutation/equivalent.toml``; the report subtracts them and fails if any other mutant survives.
"""

from __future__ import annotations

import argparse
import ast
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arenacheck.report import write_between_markers

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "mutation"
SESSION = BUILD / "session.sqlite"
EQUIVALENT = ROOT / "mutation" / "equivalent.toml"
#: Where each part of the source tree is in a worker's copy: the package as installed, model/ and
#: impl/ inside it (arenacheck/model and arenacheck/impl are symlinks to them; the copy follows).
LAYOUT = {"arenacheck": "arenacheck", "model": "arenacheck/model", "impl": "arenacheck/impl"}
COPIED = ("tests", "pyproject.toml")


def config() -> dict[str, Any]:
    """``[tool.cosmic-ray]`` of pyproject.toml, as Cosmic Ray's own config file wants it."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        return dict(tomllib.load(f)["tool"]["cosmic-ray"])


def source_path(worker_path: str) -> str:
    """``arenacheck/impl/kernels.py`` (a worker's copy) -> ``impl/kernels.py`` (the repository)."""
    for source, copied in sorted(LAYOUT.items(), key=lambda kv: -len(kv[1])):
        if worker_path.startswith(copied + "/"):
            return source + worker_path[len(copied) :]
    return worker_path


# --- Workers --------------------------------------------------------------------------------------


def make_worker(index: int) -> Path:
    """A fresh copy of the tree in the installed package's layout."""
    home = BUILD / f"worker-{index}"
    shutil.rmtree(home, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "arenacheck", home / "arenacheck", ignore=ignore)  # links followed
    for name in COPIED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, home / name, ignore=ignore)
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


def baseline(home: Path, test_command: str) -> None:
    """Refuse to start unless the copy is what gets imported and its suite passes unmutated."""
    env = worker_env(home)
    probe = [sys.executable, "-c", "import arenacheck.impl as m; print(m.__file__)"]
    where = subprocess.run(probe, cwd=home, env=env, capture_output=True, text=True, check=True)
    if not Path(where.stdout.strip()).resolve().is_relative_to(home.resolve()):
        sys.exit(f"mutation: the tests would import {where.stdout.strip()}, not the mutated copy")
    run = subprocess.run(
        shlex.split(test_command), cwd=home, env=env, capture_output=True, text=True
    )
    if run.returncode != 0:
        sys.exit(f"mutation: the unmutated suite fails; fix that first:\n{run.stdout[-3000:]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


def skip_annotations(session: Path, home: Path) -> int:
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
                spans[path] = annotation_spans((home / path).read_text())
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


def mutants(session: Path, home: Path) -> Iterator[Mutant]:
    from cosmic_ray.work_db import WorkDB, use_db

    lines: dict[str, list[str]] = {}
    with use_db(str(session), WorkDB.Mode.open) as db:
        results = dict(db.results)
        for item in db.work_items:
            (mutation,) = item.mutations
            path = str(mutation.module_path)
            if path not in lines:
                lines[path] = (home / path).read_text().splitlines()
            number = mutation.start_pos[0]
            result = results.get(item.job_id)
            yield Mutant(
                module=source_path(path),
                operator=mutation.operator_name,
                line=lines[path][number - 1].strip(),
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


# --- The run -------------------------------------------------------------------------------------


def forget(session: Path, outcomes: set[str]) -> int:
    """Make the mutants with these outcomes pending again; returns how many. Survivors, after
    tests were added (a killed mutant stays killed by a stronger suite, so only survivors need
    running); errors, when a worker died and left its mutants unjudged."""
    import sqlite3

    from cosmic_ray.work_db import WorkResultStorage

    jobs = [(m.job,) for m in mutants(session, BUILD / "worker-0") if m.outcome in outcomes]
    with sqlite3.connect(session) as db:
        db.executemany(f"DELETE FROM {WorkResultStorage.__tablename__} WHERE job_id = ?", jobs)
    return len(jobs)


def execute(cfg: dict[str, Any], workers: int, mode: str) -> Path:
    """Initialise the session (mode ``fresh``), or keep it (``resume``; ``survivors``: make its
    survivors pending again), and run every pending mutant on ``workers`` copies."""
    BUILD.mkdir(parents=True, exist_ok=True)
    homes = [make_worker(i) for i in range(workers)]
    baseline(homes[0], cfg["test-command"])
    ports = [free_port() for _ in homes]
    cfg = dict(cfg)
    cfg["distributor"] = {
        "name": "http",
        "http": {"worker-urls": [f"http://127.0.0.1:{p}" for p in ports]},
    }
    cfg_file = BUILD / "cosmic-ray.toml"
    import toml  # Cosmic Ray's own dependency; it reads this file with it

    cfg_file.write_text(toml.dumps({"cosmic-ray": cfg}))
    cosmic = str(Path(sys.executable).parent / "cosmic-ray")
    if mode != "fresh" and SESSION.exists():
        again = {"error", "survived"} if mode == "survivors" else {"error"}
        print(
            f"mutation: running {forget(SESSION, again)} mutants again ({', '.join(sorted(again))})"
        )
    if mode == "fresh" or not SESSION.exists():
        SESSION.unlink(missing_ok=True)
        subprocess.run([cosmic, "init", str(cfg_file), str(SESSION)], cwd=homes[0], check=True)
        print(f"mutation: {skip_annotations(SESSION, homes[0])} mutants inside annotations skipped")
    servers = [
        subprocess.Popen(
            [cosmic, "http-worker", "--port", str(port)],
            cwd=home,
            env=worker_env(home),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for home, port in zip(homes, ports, strict=True)
    ]
    try:
        time.sleep(2.0)  # the workers' servers start listening
        run = subprocess.Popen([cosmic, "exec", str(cfg_file), str(SESSION)], cwd=homes[0])
        show_progress(run, homes[0])
        if run.returncode != 0:
            sys.exit(f"mutation: cosmic-ray exec exited with status {run.returncode}")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait()
    return homes[0]


def show_progress(run: subprocess.Popen[bytes], home: Path) -> None:
    """A progress bar over the session's results while ``cosmic-ray exec`` runs."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    def done() -> tuple[int, int]:
        found = list(mutants(SESSION, home))
        return sum(m.outcome != "pending" for m in found), len(found)

    with Progress(
        "mutants", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=False
    ) as bar:
        completed, total = done()
        task = bar.add_task("mutants", total=total, completed=completed)
        while run.poll() is None:
            time.sleep(5.0)
            bar.update(task, completed=done()[0])
        bar.update(task, completed=done()[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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
    cfg = config()
    if args.report_only:
        if not SESSION.exists():
            parser.error(f"no session at {SESSION}: run without --report-only first")
        home = BUILD / "worker-0"
    else:
        started = time.monotonic()
        mode = "resume" if args.resume else "survivors" if args.survivors else "fresh"
        home = execute(cfg, args.workers, mode)
        print(f"mutation: {time.monotonic() - started:.0f} s with {args.workers} workers")
    text, ok = report(list(mutants(SESSION, home)), equivalents())
    print(text)
    if args.markdown:
        write_between_markers(Path(args.markdown), text + "\n", "mutation")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
