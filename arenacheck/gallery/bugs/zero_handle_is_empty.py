"""Handle validation says ``if not h``: handle 0, the arena's first cell and a real one-entry
list, reads as EMPTY (and ``False`` is accepted as EMPTY too)."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"bad input", "contents"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 1, "keys": 1, "alphabet": "set"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _head(self, h: Any) -> int:
        if not h:  # the bug: 0 is a valid handle
            return -1
        return super()._head(h)

    def build(self) -> Any:
        storage = super().build()
        storage._head = self._head  # type: ignore[method-assign]
        return storage
