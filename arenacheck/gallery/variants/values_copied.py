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
    def _cell(self, key: Any, value: Any, nxt: int) -> int:
        return super()._cell(key, copy.deepcopy(value), nxt)

    def _append(self, cells: NewCells) -> Any:
        head, keys, values, nexts = cells
        return super()._append((head, keys, [copy.deepcopy(v) for v in values], nexts))
