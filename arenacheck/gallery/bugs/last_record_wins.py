"""An index recorded twice with different scopes keeps the later scope instead of making
``build`` raise ``ConflictingRecord``."""

from array import array

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"bad input"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 3, "keys": 1, "scopes": 2}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> impl.IntervalMap:
        if self._finished:
            return super().build()
        latest: dict[int, int] = {}
        for record in self._records:  # the bug: no conflict check, the last scope wins
            latest[record >> 32] = record & 0xFFFFFFFF
        packed = array("Q", sorted(index << 32 | scope for index, scope in latest.items()))
        self._records = packed
        return super().build()
