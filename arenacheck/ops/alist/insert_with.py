"""``insert_with``: ``b.entry(h, key).or_insert_with(fn)`` (SPEC §2), ``fn`` returning the line's
value, raising, or calling back into the builder (version 2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from arenacheck.callbacks import FNS, Callback
from arenacheck.domains import FN, KEY, VALUE, VAR
from arenacheck.ops.alist.lists import Put
from arenacheck.ops.base import fields
from arenacheck.structures import Op

if TYPE_CHECKING:
    pass


class InsertWith(Put):
    name = "insert_with"
    required = fields(src=VAR, key=KEY, value=VALUE)
    optional = fields(fn=FN)
    version = 2

    def callback(self, op: Op, builder: Any, value: Any) -> Callback | None:
        return Callback(op.get("fn", "value"), builder, value=value)

    def call(
        self, op: Op, builder: Any, handles: Sequence[Any], fn: Callback | None, value: Any
    ) -> Any:
        return builder.entry(handles[0], op["key"]).or_insert_with(fn)

    variants = FNS

    def variant(self, op: Op) -> str:
        return str(op.get("fn", "value"))


OPERATION = InsertWith()
