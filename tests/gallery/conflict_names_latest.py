"""``ConflictingRecord`` names the index and the two scopes of the *last* clash in sorted order
rather than the first: the error kind is right, the message points at the wrong record when an
index has three scopes or two indices clash (SPEC §3.2: it names the index and both scopes)."""

import itertools

from arenacheck import impl
from arenacheck.errors import ConflictingRecord
from arenacheck.impl import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"bad input"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> impl.IntervalMap:
        try:
            return super().build()
        except ConflictingRecord:
            records = sorted(set(self._records))
            clashes = [
                (b >> 32, a & 0xFFFFFFFF, b & 0xFFFFFFFF)
                for a, b in itertools.pairwise(records)
                if a >> 32 == b >> 32
            ]
            raise ConflictingRecord(*clashes[-1]) from None  # the bug: the last, not the first
