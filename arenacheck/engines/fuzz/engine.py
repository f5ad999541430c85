"""The Atheris engine as ``check`` and ``arenacheck fuzz`` run it."""

from __future__ import annotations

from arenacheck import optional
from arenacheck.engines.base import Job, Outcome, shares
from arenacheck.engines.fuzz.jobs import Progress, fuzz
from arenacheck.engines.load import ImplSpec
from arenacheck.implementation import Implementation
from arenacheck.program import read
from arenacheck.runner import run_program


class FuzzEngine:
    """Each structure's target for its share of the job's time; stops at the first violation,
    whose program (written by the target, shrunk) is replayed to show that it reproduces."""

    name = "fuzz"

    def unavailable(self, spec: ImplSpec) -> str | None:
        if not optional.available("atheris"):
            return f"atheris is not installed; {optional.install_hint('atheris')}"
        return None

    def run(self, job: Job, impl: Implementation) -> list[Outcome]:
        outcomes = []
        for structure, seconds in shares(job.structures, job.seconds).items():
            task = f"fuzz · {structure}"

            def shown(
                progress: Progress, elapsed: float, task: str = task, total: float = seconds
            ) -> None:
                job.progress(task, elapsed, total, progress.describe())

            outcome = fuzz(structure, seconds, job, shown)
            job.progress(task, seconds, seconds, outcome.summary)
            outcomes.append(outcome)
            if outcome.written:
                outcome.reproduced = not run_program(read(outcome.written[0]), impl, job.strict).ok
            if outcome.failed:
                break
        return outcomes


ENGINE = FuzzEngine()
