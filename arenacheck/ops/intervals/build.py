"""``build``: turn the records into the map (SPEC §3): a conflict raises ``ConflictingRecord``
and leaves the builder open; a fresh map is checked whole (normal form, every probe, the same
map from the records reversed)."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from arenacheck.callbacks import attempt
from arenacheck.ops.base import Done, Shape, Small
from arenacheck.ops.draw import Aim, Draw, rarely
from arenacheck.ops.intervals.maps import RECORDS, MapOperation
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.interpreter import MapProgram
    from arenacheck.ops.draw import Move
    from arenacheck.sessions.intervals import IntervalSession


class Build(MapOperation):
    name = "build"
    calls = ("build",)
    weight = 24
    proved = "in intervals_program and map_lookup, after the records"

    def effect(self, shape: Shape) -> None:
        shape.built = True

    def check(self, session: IntervalSession, op: Op) -> None:
        model_map, model_err = attempt(session.model_builder.build)
        impl_map, impl_err = attempt(session.impl_builder.build)
        session.same_outcome(model_err, impl_err)
        if model_err is None:
            session.model_map, session.impl_map = model_map, impl_map
            session.check_map()

    def perform(self, side: MapProgram, op: Op) -> Done:
        side.map = side.builder.build()
        return Done()

    def forms(self) -> list[str]:  # "map:": an alist builder builds too
        return ["map:build", "map:build:conflict", "map:build:again"]

    def form(self, session: IntervalSession, op: Op) -> str:  # type: ignore[override]
        if session.built:
            return "map:build:again"
        conflicts = len(session.scopes) < len(set(session.records))
        return "map:build:conflict" if conflicts else "map:build"

    def alphabet(self, small: Small) -> list[Op]:
        return [self.line()]

    def witness(self, form: str) -> list[Op]:
        if form == "map:build:conflict":
            return [*RECORDS, {"op": "record", "index": 10, "scope": 3}, self.line()]
        return [*RECORDS, self.line(), *([self.line()] if form == "map:build:again" else [])]

    def moves(self) -> dict[str, Move]:
        def build(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            """Now and then, so that records pile up first; a second build must be refused."""
            if rarely(draw, 4, "build now"):
                yield self.line()

        return {"build": build}

    def finish(self, session: Any) -> list[Op]:
        return [] if session.built else [self.line()]  # every example ends with a map


OPERATION = Build()
