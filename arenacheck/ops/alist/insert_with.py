"""``insert_with``: ``b.entry(h, key).or_insert_with(fn)`` (SPEC §2), ``fn`` returning the line's
value, raising, or calling back into the builder (version 2)."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING, Any

from arenacheck.callbacks import FNS, Callback
from arenacheck.domains import FN, KEY, VALUE, VAR
from arenacheck.ops.alist.lists import Put
from arenacheck.ops.base import Small, fields
from arenacheck.ops.draw import Aim, Draw, key_for, live, value
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.ops.draw import Move


class InsertWith(Put):
    name = "insert_with"
    required = fields(src=VAR, key=KEY, value=VALUE)
    optional = fields(fn=FN)
    version = 2
    calls = ("or_insert_with",)
    weight = 20
    variants = FNS

    def callback(self, op: Op, builder: Any, value: Any) -> Callback | None:
        return Callback(op.get("fn", "value"), builder, value=value)

    def call(
        self, op: Op, builder: Any, handles: Sequence[Any], fn: Callback | None, value: Any
    ) -> Any:
        return builder.entry(handles[0], op["key"]).or_insert_with(fn)

    def remote(self, method: str, wire: Any, args: Sequence[Any]) -> dict[str, Any]:
        """``or_insert_with(h, key, fn)``: a program's callback crosses as its name."""
        h, key, fn = args
        given = fn.value if isinstance(fn, Callback) else None
        return self.line(src=wire(h), key=key, value=given, fn=callback_name(fn))

    def variant(self, op: Op) -> str:
        return str(op.get("fn", "value"))

    def alphabet(self, small: Small) -> list[Op]:
        if not small.full:
            return []
        first = small.values[0]
        lines: list[Op] = []
        for src in small.session.live():
            for key in small.keys:
                lines += [self.line(src=src, key=key, value=first, fn=fn) for fn in FNS]
            lines.append(self.line(src=src, key=small.foreign, value=first, fn="value"))
        return lines

    def witness(self, form: str) -> list[Op]:
        if form == "insert_with:foreign":
            return self.put(form, value=7)
        return self.put(form, value=7, fn=form.split(":")[1])

    def moves(self) -> dict[str, Move]:
        def insert_with(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            src = live(draw, aim, "src")
            fn = draw.choice(FNS, "fn")
            yield self.line(src=src, key=key_for(draw, aim, src), value=value(draw, aim), fn=fn)

        return {"insert_with": insert_with}


def callback_name(fn: object) -> str:
    """The program name of a program's callback; other callables cannot cross the protocol."""
    if not isinstance(fn, Callback):
        raise TypeError(f"an external implementation takes program callbacks only, not {fn!r}")
    return fn.name


OPERATION = InsertWith()
