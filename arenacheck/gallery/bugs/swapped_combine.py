"""Merges call ``combine(second, first)``: visible only with a non-commutative combine (or by
watching the callback's arguments)."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"contents", "callbacks"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 3, "keys": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _merge(self, h1: Any, h2: Any, combine: Any, union: bool) -> Any:
        swapped = None if combine is None else (lambda a, b: combine(b, a))
        return super()._merge(h1, h2, swapped, union)
