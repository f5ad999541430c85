"""``build`` joins two records into one range only when their indices are adjacent (``i + 1``),
not across gaps: neighbouring ranges then share a scope (normal form)."""

from array import array

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"normal form"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 2, "keys": 1, "scopes": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> impl.IntervalMap:
        built = super().build()
        recorded = sorted({record >> 32 for record in self._records})
        starts, ends, scopes = array("I"), array("I"), array("I")
        for index in recorded:
            scope = built[index]
            if scopes and scopes[-1] == scope and ends[-1] + 1 == index:  # the bug: gaps split
                ends[-1] = index
            else:
                starts.append(index)
                ends.append(index)
                scopes.append(scope)
        return impl.IntervalMap(starts, ends, scopes)
