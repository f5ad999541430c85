"""``record``: one expression's node index and its scope (SPEC §3). A bad value raises
``TypeError`` or ``ValueError`` (either, SPEC §3.2) and records nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from arenacheck.callbacks import attempt
from arenacheck.domains import INDEX, SCOPE, is_int
from arenacheck.model import intervals as model_intervals
from arenacheck.ops.base import Done, Shape, fields
from arenacheck.ops.intervals.maps import MapOperation
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.interpreter import MapProgram
    from arenacheck.sessions.intervals import IntervalSession

#: What a record is, relative to the records before it.
RECORDS = ("new", "again", "conflict", "bad", "finished")


class Record(MapOperation):
    name = "record"
    required = fields(index=INDEX, scope=SCOPE)

    def complaint(self, op: Op, shape: Shape, version: int) -> str | None:
        if shape.built and version < 2:
            return "record after build (recording on a finished builder needs a version-2 header)"
        return None

    def check(self, session: IntervalSession, op: Op) -> None:
        index, scope = op["index"], op["scope"]
        _, model_err = attempt(lambda: session.model_builder.record(index, scope))
        also = session.also_applies(
            model_err, lambda: model_intervals.IntervalMapBuilder().record(index, scope)
        )
        _, impl_err = attempt(lambda: session.impl_builder.record(index, scope))
        allowed = [*also, *session.other_kind([model_err, *also])]
        session.same_outcome(model_err, impl_err, allowed)
        if model_err is None:
            session.accept(index, scope)

    def perform(self, side: MapProgram, op: Op) -> Done:
        side.builder.record(op["index"], op["scope"])
        return Done()

    def forms(self) -> list[str]:
        return [f"record:{r}" for r in RECORDS]

    def form(self, session: IntervalSession, op: Op) -> str:  # type: ignore[override]
        index, scope = op["index"], op["scope"]
        if session.built:
            return "record:finished"
        if not all(is_int(v) and 0 <= v < 2**32 for v in (index, scope)):
            return "record:bad"
        if index not in session.scopes:
            return "record:new"
        return "record:again" if session.scopes[index] == scope else "record:conflict"


OPERATION = Record()
