"""``get`` searches the ranges with a fixed six halvings, as an unrolled search tuned on small
maps would: exact up to 64 ranges, and past them a lookup lands on a range near the one holding
the index, answering its scope or ``None``. Small programs never build such a map; a real file's
does (the standard library sample averages 66 ranges a file), and so do the stateful machine's
runs of records."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"recorded lookups"}
EXHAUST = None  # no small domain holds 65 ranges: out of exhaust's reach
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]

DEPTH = 6


class IntervalMap(impl.IntervalMap):
    def get(self, index: Any, default: Any = None) -> Any:
        if type(index) is not int or not 0 <= index < 2**32:
            return super().get(index, default)
        starts, low, high = self._starts, 0, len(self._starts)
        for _ in range(DEPTH):  # the bug: enough halvings for 64 ranges, not for more
            if low >= high:
                break
            middle = (low + high) // 2
            if starts[middle] <= index:
                low = middle + 1
            else:
                high = middle
        r = low - 1
        if r >= 0 and index <= self._ends[r]:
            return self._scopes[r]
        return default


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> IntervalMap:
        built = super().build()
        return IntervalMap(built._starts, built._ends, built._scopes)
