"""Running fuzz targets as processes: start, watch, stop.

Each job is one ``python -m arenacheck.engines.fuzz.target`` process with its own seed, all
sharing one corpus directory; libFuzzer's status lines give the progress (executions, exec/s,
coverage, corpus size). Independent processes, rather than libFuzzer's own ``-jobs``/``-fork``,
keep every job a plain child of this one, so a violation in any job stops them all at once.
"""

from __future__ import annotations

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
from arenacheck.engines.fuzz.decode import FAILURES_ENV, LEDGER_ENV, STRICT_ENV
from arenacheck.ledger import load_entries
from arenacheck.runner import Stats
from arenacheck.vocabulary import Structure

STATUS = re.compile(
    r"#(?P<runs>\d+)\s+\w+\s+(?:cov: (?P<cov>\d+)\s+ft: \d+\s+)?corp: (?P<corp>\d+)/\S+"
    r"(?:.*?exec/s: (?P<rate>\d+))?"
)


@dataclass
class Progress:
    """The latest status of every job, summed."""

    runs: dict[int, int] = field(default_factory=dict)
    rates: dict[int, int] = field(default_factory=dict)
    coverage: int = 0
    corpus: int = 0

    def read(self, job: int, line: str) -> None:
        match = STATUS.search(line)
        if match is None:
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


def fuzz(
    structure: Structure,
    seconds: float,
    job: Job,
    on_progress: Callable[[Progress, float], object] = lambda progress, elapsed: None,
) -> Outcome:
    """Run the job's processes of one target for ``seconds``; stop all at the first violation.
    The outcome's summary is libFuzzer's counts; its stats count executions as programs."""
    with tempfile.TemporaryDirectory() as scratch:
        corpus = job.corpus or Path(scratch) / "corpus"
        return _fuzz(structure, seconds, job, corpus, on_progress, Path(scratch))


def _fuzz(
    structure: Structure,
    seconds: float,
    job: Job,
    corpus_root: Path,
    on_progress: Callable[[Progress, float], object],
    scratch: Path,
) -> Outcome:
    out, extra = job.out, list(job.libfuzzer)
    corpus = corpus_root / structure
    corpus.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    before = set(out.glob("*.jsonl"))
    env = {**os.environ, **job.spec.env(), FAILURES_ENV: str(out), STRICT_ENV: ",".join(job.strict)}
    command = [sys.executable, "-m", "arenacheck.engines.fuzz.target", structure, str(corpus)]
    if job.seeds and resources.seeds(structure).is_dir():
        command.append(str(resources.seeds(structure)))  # read at start; new inputs: `corpus`
    flags = [f"-max_total_time={max(1, int(seconds))}", f"-artifact_prefix={out}/", *extra]
    if not any(flag.startswith("-use_value_profile") for flag in extra):
        flags.append("-use_value_profile=1")  # measured: finds the planted bugs sooner
    ledgers = [scratch / f"ledger-{structure}-{number}.json" for number in range(job.jobs)]
    processes = [
        subprocess.Popen(
            [*command, *flags, f"-seed={number + 1}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**env, LEDGER_ENV: str(ledgers[number])},
        )
        for number in range(job.jobs)
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
    written = sorted(set(out.glob("*.jsonl")) - before)
    stats = Stats(programs=progress.total)
    for path in ledgers:  # what each target exercised, as it last wrote it
        if path.exists():
            entries, first = load_entries(path.read_text())
            stats.add(Stats(entries=entries, first=first))
    outcome = Outcome(
        "fuzz", structure, time.monotonic() - started, stats, progress.describe(), written=written
    )
    if failed and not written:
        outcome.error = "a target process failed without a program file: see its output above"
    elif not failed and not progress.total:
        outcome.error = "the fuzzer ran nothing (no status line in its output)"
    elif not failed and not progress.coverage:
        outcome.error = "no coverage: the code under test was imported before instrumentation"
    return outcome
