"""``ConflictingRecord`` names the first record, in recording order, that clashes with an earlier
one: its index, the scope recorded first and its own (records ``0→0``, ``0→2``, ``0→1`` name
``0 and 2``; the bundled build names the smallest index and its two smallest scopes, ``0 and
1``). SPEC §3.2 leaves which conflicting index, and which two of its distinct scopes, an error
names to the implementation; an implementation that checks as it goes, with a hash map, names
this one."""

from arenacheck.errors import ConflictingRecord
from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
FREEDOM = "which conflict an error names"
REJECTED_BY = {"conflict-choice"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> impl.IntervalMap:
        try:
            return super().build()
        except ConflictingRecord:
            first: dict[int, int] = {}
            for record in self._records:  # in recording order
                index, scope = record >> 32, record & 0xFFFFFFFF
                if first.setdefault(index, scope) != scope:
                    raise ConflictingRecord(index, first[index], scope) from None
            raise
