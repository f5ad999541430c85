"""``record`` checks its arguments with ``isinstance(x, int)``: ``True`` and ``False`` are
recorded as indices (or scopes) 1 and 0 instead of raising ``TypeError`` (SPEC §3.2)."""

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"bad input"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 1, "keys": 1, "scopes": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def record(self, index: int, scope: int) -> None:
        if isinstance(index, bool) or isinstance(scope, bool):  # the bug: bools are ints here
            index, scope = int(index), int(scope)
        super().record(index, scope)
