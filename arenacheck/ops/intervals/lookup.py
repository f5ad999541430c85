"""``lookup``: one index read every way from the built map (``get``, ``get(default)``, ``in``,
``[]``), by the lookup law (SPEC §3.1 laws 1-2); any other value answers the default."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from arenacheck.domains import INDEX, U32_EDGES
from arenacheck.ops.base import Done, Small, fields
from arenacheck.ops.draw import BAD_SCALARS, Aim, Draw, rarely
from arenacheck.ops.intervals.maps import BUILD, RECORDS, MapRead
from arenacheck.sessions.intervals import lookup_form
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.interpreter import MapProgram
    from arenacheck.ops.draw import Move
    from arenacheck.sessions.intervals import IntervalSession

TOP = 2**32 - 1
#: Where a lookup falls, relative to the records; and the forms engine's index for each.
WHERE: dict[str, Any] = {
    "at": 10,
    "between-same": 11,
    "between-different": 13,
    "outside": 20,
    "edge": 2**32 - 1,
    "bad": True,
}


class Lookup(MapRead):
    name = "lookup"
    required = fields(index=INDEX)
    reply = "lookup"
    calls = ("get", "__contains__", "__getitem__")
    weight = 56
    proved = "in intervals_program and map_lookup: lookups at and around small indices"

    def check(self, session: IntervalSession, op: Op) -> None:
        session.maps()
        session.lookup(op["index"])

    def perform(self, side: MapProgram, op: Op) -> Done:
        return Done(answer=side.built().get(op["index"]))

    def answer(self, side: MapProgram, done: Done) -> dict[str, Any]:
        return {"scope": done.answer}

    def remote(self, method: str, wire: Any, args: Any) -> dict[str, Any]:
        return self.line(index=args[0])

    def forms(self) -> list[str]:
        return [f"lookup:{where}" for where in WHERE]

    def form(self, session: IntervalSession, op: Op) -> str:  # type: ignore[override]
        return lookup_form(op["index"], session.scopes, session.indices())

    def alphabet(self, small: Small) -> list[Op]:
        if not small.session.built:
            return []
        return [self.line(index=i) for i in small.indices]

    def witness(self, form: str) -> list[Op]:
        return [*RECORDS, BUILD, self.line(index=WHERE[form.split(":")[1]])]

    def class_witness(self, label: str) -> list[Op]:
        """Lookups at a class's sample in a map with records at it and on either side (the
        second scope from the sample on), not only around the small indices."""
        sample = super().class_witness(label)[-1]["index"]
        around = sorted({max(0, sample - 1), sample, min(TOP, sample + 1)})
        records = [{"op": "record", "index": i, "scope": int(i > sample)} for i in around]
        return [*RECORDS, *records, BUILD, self.line(index=sample)]

    def moves(self) -> dict[str, Move]:
        def lookup(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            if not aim.session.built:
                return
            recorded = sorted({i for i, _ in aim.session.records})
            if recorded and not rarely(draw, 5, "far"):
                index = draw.choice(recorded, "near") + draw.integer(-2, 2, "offset")
            elif rarely(draw, 3, "edge"):
                index = draw.choice(U32_EDGES, "edge") + draw.integer(-1, 1, "by")
            elif draw.boolean("bad value"):
                index = draw.choice(BAD_SCALARS, "index")
            else:
                index = draw.integer(-2, 2**32 + 2, "index")
            yield self.line(index=index)

        return {"lookup": lookup}


OPERATION = Lookup()
