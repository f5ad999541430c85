"""An operation of a user's own, in its own file: ``min_key``, the smallest key of a list (None
for an empty one). Nothing of arenacheck changes for it: registered with ``--ops`` (or an entry
point), every engine takes it — exhaust enumerates it, the forms engine runs a program for each
of its forms, the stateful machine draws it, the fuzz decoder reads it, the protocol carries it —
and the ledger counts it."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from arenacheck import laws
from arenacheck.domains import VAR
from arenacheck.ops import Operation
from arenacheck.ops.alist.lists import TWO_LISTS, AlistOperation
from arenacheck.ops.base import Done, Small, fields
from arenacheck.ops.draw import Aim, Draw, Move, live


class MinKey(AlistOperation):
    name = "min_key"
    required = fields(var=VAR)
    version = 2
    reply = "value"
    calls = ("min_key",)

    def check(self, session: Any, op: Any) -> None:
        var = session.var(op["var"])
        expected = var.items[0][0] if var.items else None
        actual = session.must(lambda: session.lists.impl_reader.min_key(var.impl))
        session.check(laws.CONTENTS, actual == expected, expected, actual, "min_key")

    def perform(self, side: Any, op: Any) -> Done:
        return Done(value=side.reader.min_key(side.var(op["var"])))

    def forms(self) -> list[str]:
        return ["min_key:empty", "min_key:full"]

    def form(self, session: Any, op: Any) -> str:
        return "min_key:full" if session.contents(op["var"]) else "min_key:empty"

    def alphabet(self, small: Small) -> list[Any]:
        return [self.line(var=var) for var in small.session.live()]

    def witness(self, form: str) -> list[Any]:
        return [*TWO_LISTS, self.line(var=2 if form == "min_key:full" else 0)]

    def moves(self) -> dict[str, Move]:
        def min_key(draw: Draw, aim: Aim) -> Generator[Any, int | None, None]:
            yield self.line(var=live(draw, aim, "var"))

        return {"min_key": min_key}


OPERATIONS: list[Operation] = [MinKey()]
