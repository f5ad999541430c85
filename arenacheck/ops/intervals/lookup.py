"""``lookup``: one index read every way from the built map (``get``, ``get(default)``, ``in``,
``[]``), by the lookup law (SPEC §3.1 laws 1-2); any other value answers the default."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arenacheck.domains import INDEX
from arenacheck.ops.base import Done, fields
from arenacheck.ops.intervals.maps import MapRead
from arenacheck.sessions.intervals import lookup_form
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.interpreter import MapProgram
    from arenacheck.sessions.intervals import IntervalSession

#: Where a lookup falls, relative to the records.
LOOKUPS = ("at", "between-same", "between-different", "outside", "edge", "bad")


class Lookup(MapRead):
    name = "lookup"
    required = fields(index=INDEX)
    reply = "lookup"

    def check(self, session: IntervalSession, op: Op) -> None:
        session.maps()
        session.lookup(op["index"])

    def perform(self, side: MapProgram, op: Op) -> Done:
        return Done(answer=side.built().get(op["index"]))

    def answer(self, side: MapProgram, done: Done) -> dict[str, Any]:
        return {"scope": done.answer}

    def forms(self) -> list[str]:
        return [f"lookup:{where}" for where in LOOKUPS]

    def form(self, session: IntervalSession, op: Op) -> str:  # type: ignore[override]
        return lookup_form(op["index"], session.scopes, session.indices())


OPERATION = Lookup()
