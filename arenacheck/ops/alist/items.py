"""``items``: one list read back every way (SPEC §2: ``items``, ``items_reverse``, ``keys``,
``length``), as it read when it was defined (law 3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arenacheck import laws
from arenacheck.domains import VAR
from arenacheck.ops.alist.lists import AlistOperation
from arenacheck.ops.base import Done, fields
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.interpreter import ListProgram
    from arenacheck.sessions.alist import AlistSession


class Items(AlistOperation):
    name = "items"
    required = fields(var=VAR)
    reply = "list"

    def check(self, session: AlistSession, op: Op) -> None:
        session.read(session.var(op["var"]), law=laws.PERSISTENCE)

    def perform(self, side: ListProgram, op: Op) -> Done:
        return Done(side.var(op["var"]))

    def answer(self, side: ListProgram, done: Done) -> dict[str, Any]:
        return side.list_reply(done.handle)


OPERATION = Items()
