"""``intervals``: the built map's ranges and size (SPEC §3), the model's exactly."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from arenacheck.ops.base import Done, Small
from arenacheck.ops.draw import Aim, Draw
from arenacheck.ops.intervals.maps import MapRead
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.interpreter import MapProgram
    from arenacheck.ops.draw import Move
    from arenacheck.sessions.intervals import IntervalSession


class Intervals(MapRead):
    name = "intervals"
    reply = "intervals"
    calls = ("intervals", "__len__")

    def check(self, session: IntervalSession, op: Op) -> None:
        session.check_intervals()

    def perform(self, side: MapProgram, op: Op) -> Done:
        return Done(answer=[tuple(r) for r in side.built().intervals()])

    def answer(self, side: MapProgram, done: Done) -> dict[str, Any]:
        return {"intervals": [list(r) for r in done.answer]}

    def alphabet(self, small: Small) -> list[Op]:
        return [self.line()] if small.session.built else []

    def moves(self) -> dict[str, Move]:
        def intervals(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            if aim.session.built:
                yield self.line()

        return {"intervals": intervals}


OPERATION = Intervals()
