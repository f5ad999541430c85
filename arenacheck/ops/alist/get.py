"""``get`` (version 2): ``get(h, key, default)``, ``get(h, key)`` and ``contains(h, key)`` of one
key — an ordered walk, so a key of a foreign type raises ``TypeError`` (SPEC §2)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from arenacheck import laws
from arenacheck.callbacks import attempt
from arenacheck.domains import KEY, VAR
from arenacheck.ops.alist.lists import FOREIGN, LANDS, TWO_LISTS, AlistOperation, place
from arenacheck.ops.base import Done, Small, fields
from arenacheck.ops.draw import Aim, Draw, foreign_key, key_for, live, rarely
from arenacheck.structures import MISSING, Op
from arenacheck.values import same_value

if TYPE_CHECKING:
    from arenacheck.interpreter import ListProgram
    from arenacheck.ops.draw import Move
    from arenacheck.sessions.alist import AlistSession


class Get(AlistOperation):
    name = "get"
    required = fields(var=VAR, key=KEY)
    version = 2
    reply = "get"
    calls = ("get", "contains")
    weight = 20

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
            same = same_value(actual, expected)
            session.check(laws.CONTENTS, same, expected, actual, name)

    def perform(self, side: ListProgram, op: Op) -> Done:
        return Done(value=side.reader.get(side.var(op["var"]), op["key"], MISSING))

    def answer(self, side: ListProgram, done: Done) -> dict[str, Any]:
        found = done.value is not MISSING
        return {"found": True, "value": done.value} if found else {"found": False}

    def remote(self, method: str, wire: Any, args: Sequence[Any]) -> dict[str, Any]:
        """``get(h, key, default)`` or ``contains(h, key)``: one line answers both."""
        return self.line(var=wire(args[0]), key=args[1])

    def alphabet(self, small: Small) -> list[Op]:
        keys = [*small.keys, small.foreign]
        return [self.line(var=var, key=key) for var in small.session.live() for key in keys]

    def witness(self, form: str) -> list[Op]:
        where = form.split(":")[1]
        var, key = {
            "present": LANDS["present"],  # key 10 of {10, 20}
            "absent": LANDS["inside"],  # key 15
            "empty": (0, 1),  # EMPTY
            "foreign": FOREIGN,
        }[where]
        return [*TWO_LISTS, self.line(var=var, key=key)]

    def moves(self) -> dict[str, Move]:
        def get(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            var = live(draw, aim, "var")
            foreign = rarely(draw, 8, "foreign key")
            key = foreign_key(draw, aim) if foreign else key_for(draw, aim, var)
            yield self.line(var=var, key=key)

        return {"get": get}

    def forms(self) -> list[str]:
        return ["get:present", "get:absent", "get:empty", "get:foreign"]

    def form(self, session: AlistSession, op: Op) -> str:  # type: ignore[override]
        [contents] = self.contents(session, op, "var")
        where = place(contents, op["key"])
        if where in ("foreign", "empty"):
            return f"get:{where}"
        return f"get:{'present' if where == 'present' else 'absent'}"


OPERATION = Get()
