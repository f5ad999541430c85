"""The CrossHair engine as ``check`` runs it: the public-operation contracts of the
implementation under check, in a process of their own (``arenacheck prove`` runs every contract,
with the canary)."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from arenacheck import optional
from arenacheck.drive import run_program
from arenacheck.engines.base import Declared, Job, Outcome, Share
from arenacheck.engines.prove.run import UNLIMITED, Result, Summary, isolated, prove_public
from arenacheck.failure import report
from arenacheck.implementation import Implementation
from arenacheck.report import write_failure
from arenacheck.structures import Structure
from arenacheck.targets import ImplSpec
from arenacheck.verdicts import Stats

#: The least time a condition may take in ``check`` (with less, a busy machine may explore
#: nothing), and the paths after which each stops early.
MINIMUM = 5.0
PATHS = 100


@dataclass(frozen=True)
class ProveSettings:
    """Each condition's path limit (None: ``PATHS`` in ``check``)."""

    max_paths: int | None = None


def failed_conditions(results: list[Result], impl: Implementation, job: Job) -> Outcome:
    """An outcome's notes for each failed condition: its counterexample, and, where it is a
    program that breaks a law, that program down the failure path (else the program as found,
    written)."""
    outcome = Outcome("prove", "public", 0.0)
    for result in results:
        if not result.failed:
            continue
        outcome.notes.append(f"{result.function}: {result.condition}")
        outcome.notes.append(f"  {result.verdict}: {result.detail}")
        if result.program is None:
            continue
        replayed = run_program(result.program, impl, job.strict)
        if replayed.violation is not None and outcome.failure is None:
            outcome.failure = report(
                result.program, replayed.violation, impl, job.out, job.spec, job.strict, job.shrink
            )
        elif replayed.violation is None:
            path = write_failure(result.program, "prove", job.out)
            outcome.notes.append(f"  counterexample program (it breaks no law when run): {path}")
    return outcome


class ProveEngine(Declared):
    """The public-operation contracts of each structure, sharing the job's time (each at least
    ``MINIMUM`` seconds, at most ``PATHS`` paths, unless the settings say), in a process of their
    own (CrossHair's solver keeps native state)."""

    name = "prove"
    schedule = Share(1 / 6)
    Settings = ProveSettings

    def for_subject(self, subject: ModuleType, structures: tuple[Structure, ...]) -> ProveSettings:
        return ProveSettings(max_paths=UNLIMITED)  # selftest: each condition for its timeout

    def unavailable(self, spec: ImplSpec) -> str | None:
        if spec.is_process:
            return "a process has no prove phase: CrossHair executes Python, not a protocol"
        if not optional.available("crosshair"):
            return f"CrossHair is not installed; {optional.install_hint('crosshair')}"
        return None

    def run(self, job: Job, impl: Implementation) -> list[Outcome]:
        from arenacheck.engines.prove.public import CONTRACTS, DIFFS

        chosen: ProveSettings = job.settings_of(self)
        conditions = sum(len(CONTRACTS[s]) + len(DIFFS[s]) for s in job.structures)
        timeout = max(job.seconds / conditions, MINIMUM)
        paths = chosen.max_paths or PATHS
        job.progress("prove", 0.0, timeout * conditions, "public-operation contracts")
        results = isolated(prove_public, job.spec.module, job.structures, timeout, paths)
        summary = Summary(results, None)
        outcome = failed_conditions(results, impl, job)
        outcome.seconds = sum(r.seconds for r in results)
        outcome.stats = Stats(programs=summary.paths)
        outcome.summary = summary.line(timeout)
        if summary.failed and outcome.failure is None:
            outcome.error = "a condition failed without a counterexample that breaks a law"
        job.progress("prove", timeout * conditions, timeout * conditions, f"{summary.paths} paths")
        return [outcome]


ENGINE = ProveEngine()
