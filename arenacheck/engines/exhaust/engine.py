"""The exhaust engine as ``check`` and ``selftest`` run it: every canonical program within
small bounds, for each structure, whole whatever the budget; a violation goes down the failure
path."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from arenacheck.engines.base import SHRINK_SECONDS, Declared, Job, Outcome, Whole
from arenacheck.engines.exhaust.alphabet import Bounds
from arenacheck.engines.exhaust.certificate import Certificate
from arenacheck.engines.exhaust.enumeration import Enumeration, Found, run
from arenacheck.failure import report
from arenacheck.implementation import Implementation
from arenacheck.strict import Strictness
from arenacheck.structures import Structure
from arenacheck.targets import ImplSpec
from arenacheck.verdicts import Stats

#: The bounds ``check`` runs first, by structure: seconds on any machine.
CHECK_BOUNDS: dict[Structure, Bounds] = {
    "alist": Bounds("alist", 3, keys=2, alphabet="set"),
    "intervals": Bounds("intervals", 3, keys=3, scopes=2),
}


@dataclass(frozen=True)
class ExhaustSettings:
    """The bounds of each structure (none: ``CHECK_BOUNDS``)."""

    bounds: dict[Structure, Bounds] = field(default_factory=dict)


class ExhaustEngine(Declared):
    """Every canonical program within small bounds (``CHECK_BOUNDS``, or the job's), for each
    structure: deterministic, whatever the budget."""

    name = "exhaust"
    schedule = Whole()
    Settings = ExhaustSettings

    def for_subject(
        self, subject: ModuleType, structures: tuple[Structure, ...]
    ) -> ExhaustSettings | str:
        """A gallery bug declares the bounds that hold its witness (``EXHAUST``: ``None`` when
        no small domain does); a legal variant runs at check's."""
        declared = getattr(subject, "EXHAUST", {})
        if declared is None:
            return "n/a (no small domain holds a witness)"
        return ExhaustSettings({s: Bounds(s, **declared) for s in structures} if declared else {})

    def run(self, job: Job, impl: Implementation) -> list[Outcome]:
        chosen: ExhaustSettings = job.settings_of(self)
        outcomes = []
        for structure in job.structures:
            bounds = chosen.bounds.get(structure) or CHECK_BOUNDS[structure]
            task = f"exhaust · {structure}"

            def shown(run: Enumeration, task: str = task) -> None:
                done, total = run.progress
                job.progress(task, done, total, f"{sum(run.programs.values())} programs")

            certificate, found = run(impl, job.spec, bounds, job.strict, on_unit=shown)
            outcomes.append(
                outcome_of(certificate, found, impl, job.spec, job.strict, job.out, job.shrink)
            )
            if outcomes[-1].failed:
                break
        return outcomes


def ledger_outcome(certificate: Certificate) -> Outcome:
    """A certificate's counts as an outcome (what ``--combine`` puts in the ledger)."""
    stats = Stats(
        programs=certificate.total,
        operations=certificate.operations,
        checks=Counter(certificate.checks),
        entries=certificate.entries(),
        reached=Counter(certificate.reached),
        unsupported=certificate.cut,
        cut=Counter(certificate.unsupported),
    )
    bounds = certificate.bounds
    outcome = Outcome("exhaust", bounds["structure"], certificate.seconds, stats)
    outcome.summary = (
        f"{certificate.total} programs of up to {bounds['max_ops']} operations, "
        f"{sum(certificate.checks.values())} law checks"
        + (
            f", {certificate.refreshed} re-run afresh (a shared prefix failed them)"
            if certificate.refreshed
            else ""
        )
    )
    return outcome


def outcome_of(
    certificate: Certificate,
    found: Found | None,
    impl: Implementation,
    spec: ImplSpec,
    strict: Strictness,
    out: Path,
    shrink: float = SHRINK_SECONDS,
) -> Outcome:
    """A run's certificate as an outcome, or its violation, down the failure path."""
    outcome = ledger_outcome(certificate)
    if found is not None:
        outcome.failure = report(
            found.program, found.violation, impl, out, spec, strict, shrink, found.before
        )
        outcome.summary = f"a violation at {found.depth} operations (the fewest)"
    return outcome


ENGINE = ExhaustEngine()
