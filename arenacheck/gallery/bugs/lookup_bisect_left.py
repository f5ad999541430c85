"""``get`` searches the range starts with ``bisect_left``: an index that *starts* a range is
looked for in the range before it, so recorded lookups at range edges fail."""

from bisect import bisect_left
from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"recorded lookups"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 2, "keys": 1, "scopes": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMap(impl.IntervalMap):
    def get(self, index: Any, default: Any = None) -> Any:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < 2**32:
            return default
        r = bisect_left(self._starts, index) - 1  # the bug: should be bisect_right
        if r >= 0 and index <= self._ends[r]:
            return self._scopes[r]
        return default


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> Any:
        built = super().build()
        return IntervalMap(built._starts, built._ends, built._scopes)
