"""``build`` trusts that records arrive sorted and skips the sort: right for straight-line code,
wrong as soon as a comprehension or a decorator records out of order."""

from array import array

from arenacheck import ConflictingRecord
from arenacheck.impl import pure as impl
from arenacheck.impl.kernels import ConflictAt, coalesce
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"bad input", "normal form", "order independence"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 3, "keys": 2, "scopes": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> impl.IntervalMap:
        if self._finished:
            return super().build()
        ranges = coalesce(list(self._records))  # the bug: records are not sorted first
        if isinstance(ranges, ConflictAt):
            raise ConflictingRecord(*ranges)
        self._finished = True
        return impl.IntervalMap(*(array("I", column) for column in ranges))
