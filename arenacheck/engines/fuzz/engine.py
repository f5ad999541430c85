"""The Atheris engine as ``check`` and ``arenacheck fuzz`` run it."""

from __future__ import annotations

import argparse
from pathlib import Path
from types import ModuleType

from arenacheck import optional
from arenacheck.engines.base import Declared, Job, Outcome, Share, shares
from arenacheck.engines.fuzz.jobs import Progress, fuzz
from arenacheck.engines.fuzz.settings import FuzzSettings
from arenacheck.failure import report
from arenacheck.implementation import Implementation
from arenacheck.structures import Structure
from arenacheck.targets import ImplSpec


class FuzzEngine(Declared):
    """Each structure's target for its share of the job's time; stops at the first violation,
    which the target hands over unshrunk and this process takes down the failure path."""

    name = "fuzz"
    schedule = Share(1 / 4)
    Settings = FuzzSettings

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--jobs", type=int, default=1, metavar="N", help="fuzz processes per target"
        )
        parser.add_argument(
            "--corpus",
            default=None,
            metavar="DIR",
            help="fuzz corpus directory, one subdirectory per target, kept between runs "
            "(default: a temporary one)",
        )

    def settings(self, args: argparse.Namespace) -> FuzzSettings:
        if args.jobs < 1:
            raise ValueError(f"--jobs must be at least 1, not {args.jobs}")
        corpus = Path(args.corpus) if args.corpus else None
        return FuzzSettings(args.jobs, corpus, libfuzzer=tuple(getattr(args, "libfuzzer", ())))

    def for_subject(self, subject: ModuleType, structures: tuple[Structure, ...]) -> FuzzSettings:
        return FuzzSettings()

    def unavailable(self, spec: ImplSpec) -> str | None:
        if not optional.available("atheris"):
            return f"atheris is not installed; {optional.install_hint('atheris')}"
        return None

    def run(self, job: Job, impl: Implementation) -> list[Outcome]:
        chosen: FuzzSettings = job.settings_of(self)
        outcomes = []
        for structure, seconds in shares(job.structures, job.seconds).items():
            task = f"fuzz · {structure}"

            def shown(
                progress: Progress, elapsed: float, task: str = task, total: float = seconds
            ) -> None:
                job.progress(task, elapsed, total, progress.describe())

            outcome, found = fuzz(structure, seconds, job, chosen, impl, shown)
            job.progress(task, seconds, seconds, outcome.summary)
            if found is not None:
                outcome.failure = report(
                    found.program,
                    found.violation,
                    impl,
                    job.out,
                    job.spec,
                    job.strict,
                    job.shrink,
                    found.before,
                )
            outcomes.append(outcome)
            if outcome.failed:
                break
        return outcomes


ENGINE = FuzzEngine()
