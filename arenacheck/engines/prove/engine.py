"""The CrossHair engine as ``check`` runs it: the public-operation contracts of the
implementation under check, in a process of their own (``arenacheck prove`` runs every contract,
with the canary)."""

from __future__ import annotations

from arenacheck import optional
from arenacheck.engines.base import Job, Outcome
from arenacheck.engines.load import ImplSpec
from arenacheck.engines.prove.run import Result, Summary, isolated, prove_public
from arenacheck.implementation import Implementation
from arenacheck.report import write_failure
from arenacheck.runner import Stats, run_program

#: The least time a condition may take in ``check`` (with less, a busy machine may explore
#: nothing), and the paths after which each stops early.
MINIMUM = 5.0
PATHS = 100


def failed_conditions(results: list[Result], impl: Implementation, job: Job) -> Outcome:
    """An outcome's notes and written programs for each failed condition: its counterexample,
    the law the runner reports when it replays the program, and the program file."""
    outcome = Outcome("prove", "public", 0.0)
    for result in results:
        if not result.failed:
            continue
        outcome.notes.append(f"{result.function}: {result.condition}")
        outcome.notes.append(f"  {result.verdict}: {result.detail}")
        if result.program is not None:
            replayed = run_program(result.program, impl, job.strict)
            if replayed.violation is not None:
                outcome.notes.append(replayed.violation.describe())
            outcome.written.append(write_failure(result.program, "prove", job.out))
            outcome.reproduced = replayed.violation is not None
    return outcome


class ProveEngine:
    """The public-operation contracts of each structure, sharing the job's time (each at least
    ``MINIMUM`` seconds, at most ``PATHS`` paths, unless the job says), in a process of their own
    (CrossHair's solver keeps native state)."""

    name = "prove"

    def unavailable(self, spec: ImplSpec) -> str | None:
        if spec.is_process:
            return "a process has no prove phase: CrossHair executes Python, not a protocol"
        if not optional.available("crosshair"):
            return f"CrossHair is not installed; {optional.install_hint('crosshair')}"
        return None

    def run(self, job: Job, impl: Implementation) -> list[Outcome]:
        from arenacheck.engines.prove.public import CONTRACTS, DIFFS

        conditions = sum(len(CONTRACTS[s]) + len(DIFFS[s]) for s in job.structures)
        timeout = max(job.seconds / conditions, MINIMUM)
        paths = job.max_paths or PATHS
        job.progress("prove", 0.0, timeout * conditions, "public-operation contracts")
        results = isolated(prove_public, job.spec.module, job.structures, timeout, paths)
        summary = Summary(results, None)
        outcome = failed_conditions(results, impl, job)
        outcome.seconds = sum(r.seconds for r in results)
        outcome.stats = Stats(programs=summary.paths)
        outcome.summary = summary.line(timeout)
        if summary.failed and not outcome.written:
            outcome.error = "a condition failed without a counterexample program"
        job.progress("prove", timeout * conditions, timeout * conditions, f"{summary.paths} paths")
        return [outcome]


ENGINE = ProveEngine()
