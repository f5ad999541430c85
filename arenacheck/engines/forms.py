"""The forms engine: one small program for every form of the ledger, run first by ``check``.

Random generation reaches most forms within a default budget, but not all on every run (a raising
combine on two lists of 300 keys, say: law 6 on each merge form), and a gate must not depend on
how fast the machine is. So ``check`` runs this fixed, deterministic set first: for each form of
``ledger.forms``, a program that ends with an operation of that form, on lists and records built
for it — each operation's own ``witness`` — and for each class of a field's domain, a program
whose last line of that operation has the class's sample, so that ``check``'s requirements
(every form and every class, at least once) are met on any machine. An operation the registry
gains brings its witnesses, and ``tests/test_ledger.py`` holds every form and every class to a
program that reaches it.
"""

from __future__ import annotations

import time

from arenacheck.drive import run_program
from arenacheck.engines.base import Declared, Job, Outcome, Whole
from arenacheck.failure import report
from arenacheck.implementation import Implementation
from arenacheck.ledger import ENDS
from arenacheck.ops import operations
from arenacheck.program import Program
from arenacheck.structures import Structure
from arenacheck.verdicts import Stats


def programs(structure: Structure) -> list[tuple[str, Program]]:
    """A program for every form of ``structure``: each operation's witness of each of its forms
    (``Operation.witness``), and for the end-of-program checks, which every program ends with,
    the first of them; then one for every class of a classified field's domain
    (``Operation.class_witness``)."""
    made = [
        (form, Program(structure, op.witness(form)))
        for op in operations(structure).values()
        for form in op.forms()
    ]
    reaching = [
        (label, Program(structure, op.class_witness(label)))
        for op in operations(structure).values()
        for label in op.reaches()
    ]
    return [*made, (ENDS[structure], made[0][1]), *reaching]


class FormsEngine(Declared):
    """Every form's program, in order, for each structure: deterministic, whatever the budget."""

    name = "forms"
    schedule = Whole()

    def run(self, job: Job, impl: Implementation) -> list[Outcome]:
        outcomes = []
        for structure in job.structures:
            started, stats = time.monotonic(), Stats()
            made = programs(structure)
            outcome = Outcome("forms", structure, 0.0, stats)
            for number, (form, program) in enumerate(made, 1):
                verdict = run_program(program, impl, job.strict)
                stats.add(verdict.stats)
                job.progress(f"forms · {structure}", number, len(made), form)
                if verdict.violation is not None:
                    before = [p for _, p in made[: number - 1]]
                    outcome.failure = report(
                        program,
                        verdict.violation,
                        impl,
                        job.out,
                        job.spec,
                        job.strict,
                        job.shrink,
                        before,
                    )
                    break
            outcome.seconds = time.monotonic() - started
            outcome.summary = (
                f"{stats.programs} programs, a form or a domain class each, "
                f"{stats.total_checks} checks"
            )
            outcomes.append(outcome)
            if outcome.failed:
                break
        return outcomes


ENGINE = FormsEngine()
