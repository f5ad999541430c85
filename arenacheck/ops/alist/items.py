"""``items``: one list read back every way (SPEC §2: ``items``, ``items_reverse``, ``keys``,
``length``), as it read when it was defined (law 3)."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from arenacheck import laws
from arenacheck.domains import VAR
from arenacheck.ops.alist.lists import TWO_LISTS, AlistOperation
from arenacheck.ops.base import Done, Small, fields
from arenacheck.ops.draw import Aim, Draw, live
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.interpreter import ListProgram
    from arenacheck.ops.draw import Move
    from arenacheck.sessions.alist import AlistSession


class Items(AlistOperation):
    name = "items"
    required = fields(var=VAR)
    reply = "list"
    calls = ("items", "keys", "items_reverse", "length")

    def check(self, session: AlistSession, op: Op) -> None:
        session.read(session.var(op["var"]), law=laws.PERSISTENCE)

    def perform(self, side: ListProgram, op: Op) -> Done:
        return Done(side.var(op["var"]))

    def answer(self, side: ListProgram, done: Done) -> dict[str, Any]:
        return side.list_reply(done.handle)

    def alphabet(self, small: Small) -> list[Op]:
        return [self.line(var=var) for var in small.session.live()]

    def witness(self, form: str) -> list[Op]:
        return [*TWO_LISTS, self.line(var=2)]

    def moves(self) -> dict[str, Move]:
        def items(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            yield self.line(var=live(draw, aim, "var"))

        return {"items": items}


OPERATION = Items()
