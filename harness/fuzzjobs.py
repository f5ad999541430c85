"""Running fuzz targets as processes for ``arenacheck fuzz``: start, watch, stop.

Each job is one ``python -m arenacheck.fuzztarget`` process with its own seed, all sharing one
corpus directory; libFuzzer's status lines give the progress (executions, exec/s, coverage,
corpus size). Independent processes, rather than libFuzzer's own ``-jobs``/``-fork``, keep every
job a plain child of this one, so a violation in any job stops them all at once.
"""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from arenacheck.fuzzing import FAILURES_ENV, STRICT_ENV
from arenacheck.loader import ImplSpec
from arenacheck.strict import NONE, Strictness

#: The seed corpora (fuzz/make_seeds.py), beside the package in a source checkout.
SEEDS = Path(__file__).resolve().parent.parent / "fuzz" / "seeds"

STATUS = re.compile(
    r"#(?P<runs>\d+)\s+\w+\s+cov: (?P<cov>\d+)\s+ft: \d+\s+corp: (?P<corp>\d+)/\S+"
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
        self.coverage = max(self.coverage, int(match["cov"]))
        self.corpus = max(self.corpus, int(match["corp"]))

    def describe(self) -> str:
        runs, rate = sum(self.runs.values()), sum(self.rates.values())
        return f"{runs} execs · {rate} exec/s · cov {self.coverage} · corpus {self.corpus}"


@dataclass(frozen=True)
class FuzzPlan:
    """How to fuzz: processes per target, the corpus root (one folder per target), where
    programs and crash files go, the implementation, extra libFuzzer flags, the strict
    decisions, and whether to start from the shipped seeds."""

    jobs: int
    corpus: Path
    out: Path
    impl: ImplSpec
    extra: list[str]
    strict: Strictness = NONE
    seeds: bool = True


@dataclass
class FuzzOutcome:
    structure: str
    progress: Progress
    seconds: float
    programs: list[Path]  # program files written by a job that found a violation
    failed: bool


def fuzz(
    structure: str,
    seconds: float,
    plan: FuzzPlan,
    on_progress: Callable[[Progress, float], object],
) -> FuzzOutcome:
    """Run the plan's jobs of one target for ``seconds``; stop all at the first violation."""
    jobs, out, impl, extra = plan.jobs, plan.out, plan.impl, plan.extra
    corpus = plan.corpus / structure
    corpus.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    before = set(out.glob("*.jsonl"))
    env = {**os.environ, **impl.env(), FAILURES_ENV: str(out), STRICT_ENV: ",".join(plan.strict)}
    command = [sys.executable, "-m", "arenacheck.fuzztarget", structure, str(corpus)]
    if plan.seeds and (SEEDS / structure).is_dir():
        command.append(str(SEEDS / structure))  # read at start; new inputs go to `corpus`
    flags = [f"-max_total_time={max(1, int(seconds))}", f"-artifact_prefix={out}/", *extra]
    if not any(flag.startswith("-use_value_profile") for flag in extra):
        flags.append("-use_value_profile=1")  # measured: finds the planted bugs sooner
    processes = [
        subprocess.Popen(
            [*command, *flags, f"-seed={job + 1}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for job in range(jobs)
    ]
    progress = Progress()
    selector = selectors.DefaultSelector()
    for job, process in enumerate(processes):
        assert process.stderr is not None
        selector.register(process.stderr, selectors.EVENT_READ, job)
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
    found = sorted(set(out.glob("*.jsonl")) - before)
    return FuzzOutcome(structure, progress, time.monotonic() - started, found, failed)
