"""Every value is stored as a deep copy of the one the caller passed. SPEC compares a value read
back with ``==`` and its type, never its identity: an implementation may store copies (or
encodings) of values, and the harness must accept one that never hands back the caller's own
object."""

import copy
from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.kernels import NewCells
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
FREEDOM = "storing copies of values"
REJECTED_BY: set[str] = set()
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def __init__(self) -> None:
        super().__init__()
        self._copies: set[int] = set()  # the ids of the values the arena holds (alive: held)

    def _copy(self, value: Any) -> Any:
        """A deep copy of a value the caller passed; a value the arena holds already (a cell
        copied from above an inserted key) is kept, so a run of inserts copies one value each."""
        if id(value) in self._copies:
            return value
        copied = copy.deepcopy(value)
        self._copies.add(id(copied))
        return copied

    def _cell(self, key: Any, value: Any, nxt: int) -> int:
        return super()._cell(key, self._copy(value), nxt)

    def _append(self, cells: NewCells) -> Any:
        head, keys, values, nexts = cells
        return super()._append((head, keys, [self._copy(v) for v in values], nexts))
