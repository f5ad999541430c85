"""``replace``: ``b.entry(h, key).replace(value)`` (SPEC §2): the input itself when the stored
value is equal."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING, Any

from arenacheck.callbacks import Callback
from arenacheck.domains import KEY, VALUE, VAR
from arenacheck.ops.alist.lists import PLACES, Put, stored
from arenacheck.ops.base import Small, fields
from arenacheck.ops.draw import Aim, Draw, key_for, live, value
from arenacheck.structures import Op
from arenacheck.values import Touchy

if TYPE_CHECKING:
    from arenacheck.ops.draw import Move


class Replace(Put):
    name = "replace"
    required = fields(src=VAR, key=KEY, value=VALUE)
    calls = ("replace",)
    weight = 24
    proved = "in alist_program: replaces of small keys and values"

    def call(
        self, op: Op, builder: Any, handles: Sequence[Any], fn: Callback | None, value: Any
    ) -> Any:
        return builder.entry(handles[0], op["key"]).replace(value)

    def places(self) -> tuple[str, ...]:
        return (*PLACES, "equal", "raises")

    def lands(self, where: str, contents: list[Any], op: Op) -> str:
        """``equal`` where the stored value is ``==`` to the new one (the no-op: law 4);
        ``raises`` where that comparison raises (law 7: ``values.Touchy``)."""
        if where != "present":
            return where
        try:
            equal = bool(stored(contents, op["key"]) == op["value"])
        except Exception:
            return "raises"
        return "equal" if equal else where

    def alphabet(self, small: Small) -> list[Op]:
        if not small.full:
            return []
        lines: list[Op] = []
        for src in small.session.live():
            for key in small.keys:
                lines += [self.line(src=src, key=key, value=v) for v in small.values]
            lines.append(self.line(src=src, key=small.foreign, value=small.values[0]))
        return lines

    def witness(self, form: str) -> list[Op]:
        if form == "replace:equal":
            return self.put("replace:present", value=1)  # key 10 holds 1
        if form == "replace:raises":
            return self.put("replace:present", value=Touchy(1))
        return self.put(form, value=7)

    def moves(self) -> dict[str, Move]:
        def replace(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            src = live(draw, aim, "src")
            key = key_for(draw, aim, src)
            held = dict(aim.session.contents(src) or []).get(key)
            equal = held is not None and draw.boolean("equal value")
            yield self.line(src=src, key=key, value=held if equal else value(draw, aim))

        return {"replace": replace}


OPERATION = Replace()
