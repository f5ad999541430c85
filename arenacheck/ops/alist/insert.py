"""``insert``: ``b.entry(h, key).or_insert(value)``, or with no value the set insert
``b.insert(h, key)`` (SPEC §2)."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING, Any

from arenacheck.callbacks import Callback
from arenacheck.domains import KEY, VALUE, VAR
from arenacheck.ops.alist.lists import Put
from arenacheck.ops.base import Small, fields
from arenacheck.ops.draw import Aim, Draw, key_for, live, value
from arenacheck.ops.draw import foreign_key as foreign
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.ops.draw import Move


class Insert(Put):
    name = "insert"
    required = fields(src=VAR, key=KEY)
    optional = fields(value=VALUE)
    needs_v2_without = ("value",)
    calls = ("insert", "or_insert")
    weight = 72
    proved = "in alist_program: inserts of small keys and values"
    variants = ("", "set")

    def call(
        self, op: Op, builder: Any, handles: Sequence[Any], fn: Callback | None, value: Any
    ) -> Any:
        if "value" not in op:
            return builder.insert(handles[0], op["key"])
        return builder.entry(handles[0], op["key"]).or_insert(value)

    def direct(self, op: Op) -> tuple[str, tuple[Any, ...]] | None:
        return None if "value" in op else ("insert", (op["key"],))

    def variant(self, op: Op) -> str:
        return "" if "value" in op else "set"

    def alphabet(self, small: Small) -> list[Op]:
        lines: list[Op] = []
        for src in small.session.live():
            for key in small.keys:
                lines.append(self.line(src=src, key=key))
                if small.full:
                    lines += [self.line(src=src, key=key, value=v) for v in small.values]
            if small.full:
                lines.append(self.line(src=src, key=small.foreign, value=small.values[0]))
        return lines

    def witness(self, form: str) -> list[Op]:
        return self.put(form) if form.startswith("insert:set:") else self.put(form, value=7)

    def moves(self) -> dict[str, Move]:
        def insert(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            src = live(draw, aim, "src")
            yield self.line(src=src, key=key_for(draw, aim, src), value=value(draw, aim))

        def set_insert(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            src = live(draw, aim, "src")
            yield self.line(src=src, key=key_for(draw, aim, src))

        def foreign_key(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            """A key of another order: ``TypeError`` on a non-empty list, a one-entry list on
            EMPTY."""
            yield self.line(
                src=live(draw, aim, "src"), key=foreign(draw, aim), value=value(draw, aim)
            )

        return {"insert": insert, "set_insert": set_insert, "foreign_key": foreign_key}


OPERATION = Insert()
