"""``build`` marks the builder finished before it looks for conflicting records: after a
``ConflictingRecord`` the builder is closed, where SPEC says a ``build()`` that raises leaves
the builder open and unchanged (a user cannot fix the conflict and build again)."""

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"bad input", "unexpected error"}  # a later record is refused: an unexpected error
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 4, "keys": 1, "scopes": 2}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> impl.IntervalMap:
        try:
            return super().build()
        except ValueError:
            self._finished = True  # the bug: finished whether or not build succeeded
            raise
