"""Handle validation uses ``isinstance(h, int)``, so ``True`` and ``False`` pass as handles 1
and 0 instead of raising ``InvalidHandle``."""

from typing import Any

from arenacheck.errors import InvalidHandle
from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"bad input"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 3, "keys": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


def _head(cells: Any, h: Any) -> int:
    if h is None:
        return -1
    if isinstance(h, int) and 0 <= h < len(cells._next):  # the bug: bool is an int
        return int(h)
    raise InvalidHandle(h)


class ListBuilder(impl.ListBuilder):
    def _head(self, h: Any) -> int:
        if self._busy:
            return super()._head(h)
        return _head(self, h)

    def build(self) -> Any:
        storage = super().build()
        storage._head = lambda h: _head(storage, h)  # type: ignore[method-assign]
        return storage
