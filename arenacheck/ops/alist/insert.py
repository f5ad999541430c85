"""``insert``: ``b.entry(h, key).or_insert(value)``, or with no value the set insert
``b.insert(h, key)`` (SPEC §2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from arenacheck.callbacks import Callback
from arenacheck.domains import KEY, VALUE, VAR
from arenacheck.ops.alist.lists import Put
from arenacheck.ops.base import fields
from arenacheck.structures import Op

if TYPE_CHECKING:
    pass


class Insert(Put):
    name = "insert"
    required = fields(src=VAR, key=KEY)
    optional = fields(value=VALUE)
    needs_v2_without = ("value",)

    def call(
        self, op: Op, builder: Any, handles: Sequence[Any], fn: Callback | None, value: Any
    ) -> Any:
        if "value" not in op:
            return builder.insert(handles[0], op["key"])
        return builder.entry(handles[0], op["key"]).or_insert(value)

    def direct(self, op: Op) -> tuple[str, tuple[Any, ...]] | None:
        return None if "value" in op else ("insert", (op["key"],))

    variants = ("", "set")

    def variant(self, op: Op) -> str:
        return "" if "value" in op else "set"


OPERATION = Insert()
