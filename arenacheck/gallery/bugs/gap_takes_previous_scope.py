"""``get`` answers an index in the gap between two ranges with the scope of the range before it,
instead of ``None`` (it checks the range's end only past the last range): visible only between
records."""

from bisect import bisect_right
from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"lookup between records"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 3, "keys": 3, "scopes": 2}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMap(impl.IntervalMap):
    def get(self, index: Any, default: Any = None) -> Any:
        found = super().get(index, default)
        if found is default and isinstance(index, int) and not isinstance(index, bool):
            r = bisect_right(self._starts, index) - 1
            if 0 <= r < len(self._starts) - 1:
                return self._scopes[r]  # the bug: the gap after range r is not range r
        return found


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> Any:
        built = super().build()
        return IntervalMap(built._starts, built._ends, built._scopes)
