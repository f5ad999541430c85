"""The merge does not mark the builder busy while ``combine`` runs: a combine that calls back
into the builder succeeds (and allocates in the middle of the merge) instead of getting
``RuntimeError`` (SPEC §2, reentrancy)."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.kernels import merge
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"reentrancy"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 2, "keys": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _merge(self, h1: Any, h2: Any, combine: Any, union: bool) -> Any:
        self._mutating()
        c1, c2 = self._head(h1), self._head(h2)
        if c1 < 0 or c2 < 0:
            return (h1 if c2 < 0 else h2) if union else EMPTY
        # the bug: no ``self._busy = True`` around the callback
        columns = (self._keys, self._values, self._next)
        return self._append(merge(*columns, c1, c2, combine, union))
