"""``get`` (version 2): ``get(h, key, default)``, ``get(h, key)`` and ``contains(h, key)`` of one
key — an ordered walk, so a key of a foreign type raises ``TypeError`` (SPEC §2)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from arenacheck import laws
from arenacheck.callbacks import attempt
from arenacheck.domains import KEY, VAR
from arenacheck.ops.alist.lists import AlistOperation, place
from arenacheck.ops.base import Done, fields
from arenacheck.structures import MISSING, Op

if TYPE_CHECKING:
    from arenacheck.interpreter import ListProgram
    from arenacheck.sessions.alist import AlistSession


class Get(AlistOperation):
    name = "get"
    required = fields(var=VAR, key=KEY)
    version = 2
    reply = "get"

    def check(self, session: AlistSession, op: Op) -> None:
        var, key, lists = session.var(op["var"]), op["key"], session.lists
        reads: list[tuple[str, Callable[[Any, Any], Any]]] = [
            ("get", lambda r, h: r.get(h, key, MISSING)),
            ("get(default=None)", lambda r, h: r.get(h, key)),
            ("contains", lambda r, h: r.contains(h, key)),
        ]
        for name, read in reads:
            expected, model_err = attempt(partial(read, lists.model_reader, var.model))
            actual, impl_err = attempt(partial(read, lists.impl_reader, var.impl))
            session.same_outcome(model_err, impl_err)
            session.check(laws.CONTENTS, expected == actual, expected, actual, name)

    def perform(self, side: ListProgram, op: Op) -> Done:
        return Done(value=side.reader.get(side.var(op["var"]), op["key"], MISSING))

    def answer(self, side: ListProgram, done: Done) -> dict[str, Any]:
        found = done.value is not MISSING
        return {"found": True, "value": done.value} if found else {"found": False}

    def forms(self) -> list[str]:
        return ["get:present", "get:absent", "get:empty", "get:foreign"]

    def form(self, session: AlistSession, op: Op) -> str:  # type: ignore[override]
        [contents] = self.contents(session, op, "var")
        where = place(contents, op["key"])
        if where in ("foreign", "empty"):
            return f"get:{where}"
        return f"get:{'present' if where == 'present' else 'absent'}"


OPERATION = Get()
