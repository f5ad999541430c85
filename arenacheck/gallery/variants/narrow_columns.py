"""``build`` stores each column of the map (range starts, ends, scopes) in the narrowest array that
holds its largest value: 1, 2 or 4 bytes an entry. A legal compact representation: SPEC fixes
what the map answers for every index and scope of ``[0, 2**32)``, not how it is stored, and the
harness must accept it at every magnitude."""

from array import array

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
FREEDOM = "how a map stores its ranges"
REJECTED_BY: set[str] = set()
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


def narrow(column: "array[int]") -> "array[int]":
    """The column in the narrowest unsigned array its largest value fits."""
    largest = max(column, default=0)
    return array("B" if largest < 2**8 else "H" if largest < 2**16 else "I", column)


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> impl.IntervalMap:
        built = super().build()
        return impl.IntervalMap(narrow(built._starts), narrow(built._ends), narrow(built._scopes))
