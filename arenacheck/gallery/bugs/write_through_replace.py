"""``replace`` builds the new list correctly but also writes the new value into the old cell, so
the list it was called on changes: a persistence bug."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"identity on no-op", "persistence"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 2, "keys": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _put(self, h: Any, key: Any, value: Any, make: Any, replace: bool) -> Any:
        result = super()._put(h, key, value, make, replace)
        if replace and result != h and self._values is not None:
            new = self._find(result, key)
            old = self._find(h, key)
            if old >= 0:
                self._values[old] = self._values[new]  # the bug: a shared cell mutated
        return result

    def _find(self, h: Any, key: Any) -> int:
        cell = -1 if h is None else h
        while cell >= 0 and self._keys[cell] != key:
            cell = self._next[cell]
        return cell
