"""A merge with ``combine`` also writes the greatest key's combined value back into the first
input's top cell ("the caller moves on to the result anyway"): the result is right and costs
what it should, but the first input's list has changed (persistence, law 3)."""

import contextlib
from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"persistence"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 2, "keys": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _merge(self, h1: Any, h2: Any, combine: Any, union: bool) -> Any:
        result = super()._merge(h1, h2, combine, union)
        if combine is None or h1 is None or result is None or self._values is None:
            return result
        key, value = self.items_reverse(result)[0]
        if self._keys[h1] == key:
            with contextlib.suppress(TypeError, OverflowError):  # a column that cannot hold it
                self._values[h1] = value  # the bug: cells are shared, never written
        return result
