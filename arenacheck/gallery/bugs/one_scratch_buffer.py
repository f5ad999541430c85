"""A builder records into the process's one scratch buffer, which it takes over, emptied, at its
first record: made for a type checker that indexes one file at a time and is done with a file's
builder before the next records. Programs of one builder never show it, one after another or
not (each takes the buffer over before it records); two builders alive at once pool their
records, so a map holds another builder's, and the second builder's first record drops the
first one's (SPEC §2.2: builders share nothing a program can see)."""

from array import array

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"normal form", "unexpected error"}
EXHAUST = None  # exhaust's programs hold one builder: out of its reach
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]

_SCRATCH = array("Q")


class IntervalMapBuilder(impl.IntervalMapBuilder):
    __slots__ = ("_took",)

    def __init__(self) -> None:
        super().__init__()
        self._took = False

    def record(self, index: int, scope: int) -> None:
        if not self._took:  # the bug: one buffer for every builder
            del _SCRATCH[:]
            self._records, self._took = _SCRATCH, True
        super().record(index, scope)
