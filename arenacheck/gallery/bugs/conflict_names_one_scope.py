"""``ConflictingRecord`` names the conflicting index with the same scope twice, a slip of one
letter (``a`` for ``b``) in the clash it reports: the kind is right, but the message does not name
two distinct scopes of the index, so it cannot tell the user which records clash (SPEC §3.2: it
names the index and both scopes)."""

from arenacheck.errors import ConflictingRecord
from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"bad input"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 3, "keys": 1, "scopes": 2}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> impl.IntervalMap:
        try:
            return super().build()
        except ConflictingRecord as err:
            raise ConflictingRecord(err.index, err.scopes[0], err.scopes[0]) from None  # the bug
