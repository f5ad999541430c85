"""``items_reverse`` forgets that ``items`` reverses the chain in place and returns the shared
list after ``items`` has reversed it: the descending view comes out ascending (order, law 1)."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.kernels import walk
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"order"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 2, "keys": 2, "alphabet": "set"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def items_reverse(self, h: Any) -> list[tuple[Any, Any]]:
        out = walk(self._keys, self._values, self._next, self._head(h))
        out.sort()  # the bug: "tidy" the entries, which are already in descending order
        return out
