"""``check``'s plan: which engines run, in which order, on which share of the budget.

The exhaust engine runs first, at small bounds (``exhaust.CHECK_BOUNDS``), and the forms engine
next, both whole whatever the budget: every canonical program of three alist operations (set
forms) and of three interval ones, then a program for every form of the ledger — deterministic,
so that check's default requirements rest on them and not on the machine's speed.
Then the stateful machines take what the others leave; fuzzing takes a quarter and the prove
phase a sixth, each when it can run here (``Engine.unavailable`` says why not: a package missing,
or a process, which has no prove phase). The plan stops after the first phase that finds a
violation: the point of a check is one minimal program, not a list of them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from arenacheck.engines import engine
from arenacheck.engines.base import Job, Outcome
from arenacheck.implementation import Implementation

#: The share of ``check``'s budget each engine after the first takes, in order.
SHARES: dict[str, float] = {"fuzz": 1 / 4, "prove": 1 / 6}
#: The engines ``check`` runs, in order; ``exhaust`` and ``forms`` run whole, ``stateful`` takes
#: what the others leave.
ORDER = ("exhaust", "forms", "stateful", "fuzz", "prove")
FIRST = "stateful"


@dataclass(frozen=True)
class Phase:
    """One engine in the plan: its seconds, or why it does not run."""

    engine: str
    seconds: float
    skipped: str | None = None


def plan(job: Job) -> list[Phase]:
    """The phases of a check of ``job.seconds`` on ``job.spec``."""
    reasons = {name: engine(name).unavailable(job.spec) for name in ORDER}
    taken = sum(share for name, share in SHARES.items() if reasons[name] is None)
    first = job.seconds * (1.0 - taken)
    seconds = {
        "exhaust": 0.0,
        "forms": 0.0,
        FIRST: first,
        **{n: job.seconds * s for n, s in SHARES.items()},
    }
    return [Phase(name, seconds[name], reasons[name]) for name in ORDER]


def check(job: Job, impl: Implementation) -> tuple[list[Outcome], list[Phase]]:
    """Run the plan; the outcomes, and the phases that did not run (skipped, or after a
    violation)."""
    outcomes: list[Outcome] = []
    left_out: list[Phase] = []
    for phase in plan(job):
        if phase.skipped is not None or any(o.failed for o in outcomes):
            left_out.append(phase)
            continue
        outcomes += engine(phase.engine).run(dataclasses.replace(job, seconds=phase.seconds), impl)
    return outcomes, left_out
