"""Running fuzz targets as processes: start, watch, stop.

Each job is one ``python -m arenacheck.engines.fuzz.target`` process with its own seed, all
sharing one corpus directory; libFuzzer's status lines give the progress (executions, exec/s,
coverage, corpus size). Independent processes, rather than libFuzzer's own ``-jobs``/``-fork``,
keep every job a plain child of this one, so a violation in any job stops them all at once.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from arenacheck import resources
from arenacheck.engines.base import Job, Outcome
from arenacheck.engines.fuzz.decode import FOUND_ENV, LEDGER_ENV, STRICT_ENV
from arenacheck.engines.fuzz.settings import FuzzSettings
from arenacheck.implementation import Implementation
from arenacheck.ledger import load_entries
from arenacheck.program import Program, read, read_all
from arenacheck.structures import Structure
from arenacheck.values import decode_line
from arenacheck.verdicts import Stats, Violation

STATUS = re.compile(
    r"#(?P<runs>\d+)\s+\w+\s+(?:cov: (?P<cov>\d+)\s+ft: \d+\s+)?corp: (?P<corp>\d+)/\S+"
    r"(?:.*?exec/s: (?P<rate>\d+))?"
)


#: How many lines of a failed target's output its error carries.
TAIL_LINES = 12


@dataclass
class Progress:
    """The latest status of every job, summed."""

    runs: dict[int, int] = field(default_factory=dict)
    rates: dict[int, int] = field(default_factory=dict)
    coverage: int = 0
    corpus: int = 0
    #: The last lines of each job's output that are not status lines: what a target that
    #: failed said (an uncaught exception, libFuzzer's own reason).
    said: dict[int, list[str]] = field(default_factory=dict)

    def read(self, job: int, line: str) -> None:
        match = STATUS.search(line)
        if match is None:
            kept = self.said.setdefault(job, [])
            kept.append(line.rstrip())
            del kept[:-TAIL_LINES]
            return
        self.runs[job] = int(match["runs"])
        if match["rate"]:
            self.rates[job] = int(match["rate"])
        self.coverage = max(self.coverage, int(match["cov"] or 0))
        self.corpus = max(self.corpus, int(match["corp"]))

    @property
    def total(self) -> int:
        return sum(self.runs.values())

    def describe(self) -> str:
        runs, rate = self.total, sum(self.rates.values())
        return f"{runs} execs · {rate} exec/s · cov {self.coverage} · corpus {self.corpus}"


@dataclass
class Found:
    """A violation a target process handed over: its program, as the target found it, and the
    programs the target ran before it (a program sequence), if any."""

    program: Program
    violation: Violation
    before: list[Program]


def fuzz(
    structure: Structure,
    seconds: float,
    job: Job,
    settings: FuzzSettings,
    impl: Implementation,
    on_progress: Callable[[Progress, float], object] = lambda progress, elapsed: None,
) -> tuple[Outcome, Found | None]:
    """Run the job's processes of one target for ``seconds``; stop all at the first violation,
    which comes back as found (the caller takes it down the failure path). The outcome's summary
    is libFuzzer's counts; its stats count executions as programs."""
    with tempfile.TemporaryDirectory() as scratch:
        corpus = settings.corpus or Path(scratch) / "corpus"
        return _fuzz(structure, seconds, job, settings, impl, corpus, on_progress, Path(scratch))


def _fuzz(
    structure: Structure,
    seconds: float,
    job: Job,
    settings: FuzzSettings,
    impl: Implementation,
    corpus_root: Path,
    on_progress: Callable[[Progress, float], object],
    scratch: Path,
) -> tuple[Outcome, Found | None]:
    out, extra = job.out, list(settings.libfuzzer)
    corpus = corpus_root / structure
    corpus.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    found_dir = scratch / "found"
    env = {**os.environ, **job.spec.env(), FOUND_ENV: str(found_dir)}
    env[STRICT_ENV] = ",".join(job.strict)
    command = [sys.executable, "-m", "arenacheck.engines.fuzz.target", structure, str(corpus)]
    if settings.seeds and resources.seeds(structure).is_dir():
        command.append(str(resources.seeds(structure)))  # read at start; new inputs: `corpus`
    flags = [f"-max_total_time={max(1, int(seconds))}", f"-artifact_prefix={out}/", *extra]
    if not any(flag.startswith("-use_value_profile") for flag in extra):
        flags.append("-use_value_profile=1")  # measured: finds the planted bugs sooner
    if not any(flag.startswith(("-rss_limit_mb", "-malloc_limit_mb")) for flag in extra):
        flags += memory_limits()
    ledgers = [scratch / f"ledger-{structure}-{number}.json" for number in range(settings.jobs)]
    processes = [
        subprocess.Popen(
            [*command, *flags, f"-seed={number + 1}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**env, LEDGER_ENV: str(ledgers[number])},
        )
        for number in range(settings.jobs)
    ]
    progress = Progress()
    selector = selectors.DefaultSelector()
    for number, process in enumerate(processes):
        assert process.stderr is not None
        selector.register(process.stderr, selectors.EVENT_READ, number)
    started = time.monotonic()
    failed = False
    try:
        open_streams = len(processes)
        while open_streams:
            for key, _ in selector.select(timeout=0.5):
                line = key.fileobj.readline()  # type: ignore[union-attr]
                if not line:
                    selector.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                progress.read(key.data, line)
            on_progress(progress, time.monotonic() - started)
            if any(p.poll() not in (None, 0) for p in processes):
                failed = True
                break
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            process.wait()
    failed = failed or any(p.returncode not in (0, -15) for p in processes)
    stats = Stats(programs=progress.total)
    for path in ledgers:  # what each target exercised, as it last wrote it
        if path.exists():
            stats.add(load_entries(path.read_text()))
    outcome = Outcome("fuzz", structure, time.monotonic() - started, stats, progress.describe())
    found = _found(found_dir) if failed else None
    if failed and found is None:
        said = [
            f"job {n} (exit {p.returncode}): " + " | ".join(progress.said.get(n, [])[-TAIL_LINES:])
            for n, p in enumerate(processes)
            if p.returncode not in (0, -15)
        ]
        outcome.error = "a target process failed without a program file: " + "; ".join(said)
    elif not failed and not progress.total:
        outcome.error = "the fuzzer ran nothing (no status line in its output)"
    elif not failed and not progress.coverage:
        outcome.error = "no coverage: the code under test was imported before instrumentation"
    return outcome, found


#: libFuzzer's own default memory limit, in MB: what a target may use beyond what it inherits.
RSS_LIMIT_MB = 2048


def memory_limits() -> list[str]:
    """libFuzzer's memory limits, counted from what the target inherits. Linux carries a
    process's peak resident size across ``fork`` and ``exec`` into its child (``ru_maxrss``),
    and libFuzzer reads its limit against that peak: started from a process that once held more
    than 2 GB (a long test session), every target would report out-of-memory on its first
    input. The limit is therefore this process's peak plus libFuzzer's default, and one
    allocation stays capped at the default."""
    try:
        import resource

        inherited = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KB on Linux
    except (ImportError, OSError):
        inherited = 0
    return [f"-rss_limit_mb={RSS_LIMIT_MB + inherited}", f"-malloc_limit_mb={RSS_LIMIT_MB}"]


def _found(folder: Path) -> Found | None:
    """The violation a target handed over: its program and the violation as the target saw it
    (``decode.hand_over``), and the programs the target ran before it."""
    programs = sorted(folder.glob("*.jsonl"))
    if not programs:
        return None
    sequences = sorted((folder / "before").glob("*.jsonl"))
    before = read_all(sequences[0])[:-1] if sequences else []
    seen = json.loads((folder / "violation.json").read_text())
    violation = Violation(**{**seen, "op": decode_line(seen["op"])})
    return Found(read(programs[0]), violation, before)
