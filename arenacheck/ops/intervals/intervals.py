"""``intervals``: the built map's ranges and size (SPEC §3), the model's exactly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arenacheck.ops.base import Done
from arenacheck.ops.intervals.maps import MapRead
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.interpreter import MapProgram
    from arenacheck.sessions.intervals import IntervalSession


class Intervals(MapRead):
    name = "intervals"
    reply = "intervals"

    def check(self, session: IntervalSession, op: Op) -> None:
        session.check_intervals()

    def perform(self, side: MapProgram, op: Op) -> Done:
        return Done(answer=[tuple(r) for r in side.built().intervals()])

    def answer(self, side: MapProgram, done: Done) -> dict[str, Any]:
        return {"intervals": [list(r) for r in done.answer]}


OPERATION = Intervals()
