"""Values are interned in a table keyed by the value itself, to store each distinct value once:
but a table finds a value by ``==`` and hash, so ``True`` after ``1`` (or ``1.0``) is stored as
the ``1`` already there, and reads back as an int where the model holds a bool (SPEC §2: a value
read back is of the type stored). Programs of int values never show it; and an unhashable value
makes the insert raise."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.kernels import NewCells
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"contents", "unexpected error"}
#: The bounds of the smallest witness: exhaust finds it at max_ops, in its typed domain.
EXHAUST = {"max_ops": 1, "keys": 1, "values": "typed"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def __init__(self) -> None:
        super().__init__()
        self._pool: dict[Any, Any] = {}

    def _cell(self, key: Any, value: Any, nxt: int) -> int:
        return super()._cell(key, self._pool.setdefault(value, value), nxt)  # the bug

    def _append(self, cells: NewCells) -> Any:
        head, keys, values, nexts = cells
        pooled = [self._pool.setdefault(value, value) for value in values]
        return super()._append((head, keys, pooled, nexts))
