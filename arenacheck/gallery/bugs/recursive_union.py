"""Union zips the two chains recursively: right on short lists, a ``RecursionError`` once the
zipped part of a list is deeper than Python's recursion limit (law 6)."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"no recursion"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 2, "long": True, "alphabet": "set"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _merge(self, h1: Any, h2: Any, combine: Any, union: bool) -> Any:
        if not union:
            return super()._merge(h1, h2, combine, union)
        self._mutating()
        c1, c2 = self._head(h1), self._head(h2)
        if c1 < 0 or c2 < 0:
            return h1 if c2 < 0 else h2
        self._busy = True
        try:
            return self._zip(c1, c2, combine)
        finally:
            self._busy = False

    def _zip(self, c1: int, c2: int, combine: Any) -> int:
        if c1 < 0 or c2 < 0:
            return c1 if c2 < 0 else c2
        k1, k2 = self._keys[c1], self._keys[c2]
        if k2 < k1:
            return self._cell(k1, self._value(c1), self._zip(self._next[c1], c2, combine))
        if k1 < k2:
            return self._cell(k2, self._value(c2), self._zip(c1, self._next[c2], combine))
        v1 = self._value(c1)
        value = v1 if combine is None else combine(v1, self._value(c2))
        rest = self._zip(self._next[c1], self._next[c2], combine)
        return self._cell(k1, value, rest)
