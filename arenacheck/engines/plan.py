"""``check``'s plan: which engines run, in which order, on which share of the budget — each as it
declares (``Engine.schedule``), in the registry's order.

The exhaust engine runs first, at small bounds, and the forms engine next, both whole whatever
the budget (``Whole``): deterministic, so that check's requirements are met on any machine.
The stateful machines take what the others leave (``Rest``); fuzzing takes a quarter and the
prove phase a sixth (``Share``), each when it can run here (``Engine.unavailable`` says why not:
a package missing, or a process, which has no prove phase). The plan stops after the first
phase that finds a violation: the point of a check is one minimal program, not a list of them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from arenacheck.engines import engines
from arenacheck.engines.base import Engine, Job, Outcome, Rest, Share
from arenacheck.implementation import Implementation


@dataclass(frozen=True)
class Phase:
    """One engine in the plan: its seconds, or why it does not run."""

    engine: Engine
    seconds: float
    skipped: str | None = None

    @property
    def name(self) -> str:
        return self.engine.name


def plan(job: Job) -> list[Phase]:
    """The phases of a check of ``job.seconds`` on ``job.spec``."""
    found = engines()
    reasons = {e.name: e.unavailable(job.spec) for e in found}
    taken = sum(
        e.schedule.fraction
        for e in found
        if isinstance(e.schedule, Share) and reasons[e.name] is None
    )
    rest = job.seconds * (1.0 - taken)

    def seconds(engine: Engine) -> float:
        if isinstance(engine.schedule, Share):
            return job.seconds * engine.schedule.fraction
        return rest if isinstance(engine.schedule, Rest) else 0.0

    return [Phase(e, seconds(e), reasons[e.name]) for e in found]


def check(job: Job, impl: Implementation) -> tuple[list[Outcome], list[Phase]]:
    """Run the plan; the outcomes, and the phases that did not run (skipped, or after a
    violation)."""
    outcomes: list[Outcome] = []
    left_out: list[Phase] = []
    for phase in plan(job):
        if phase.skipped is not None or any(o.failed for o in outcomes):
            left_out.append(phase)
            continue
        outcomes += phase.engine.run(dataclasses.replace(job, seconds=phase.seconds), impl)
    return outcomes, left_out
