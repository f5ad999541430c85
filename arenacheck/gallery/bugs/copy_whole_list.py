"""Insert returns a fresh copy of the whole new list instead of sharing the cells below the new
key: every list reads right, only the allocation law (and memory) shows it."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"allocation"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 1, "keys": 1, "alphabet": "set"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def insert(self, h: Any, key: Any, value: Any = None) -> Any:
        return self._put(h, key, value, None, replace=False)  # every insert through the bug

    def _put(self, h: Any, key: Any, value: Any, make: Any, replace: bool) -> Any:
        result = super()._put(h, key, value, make, replace)
        if result == h:
            return result
        chain: list[int] = []
        while result >= 0:
            chain.append(result)
            result = self._next[result]
        top = -1
        for cell in reversed(chain):  # the bug: the shared tail is copied too
            top = self._cell(self._keys[cell], self._value(cell), top)
        return top
