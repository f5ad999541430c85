"""``replace`` takes the stored value for unchanged only when it is of the same type and equal:
``replace`` of ``1`` by ``True`` (or ``1.0``) makes a new list, where SPEC compares values with
``==`` and asks for the input itself (law 4); and a value whose ``==`` raises never gets to raise
(law 7: the comparison's exception must reach the caller). Ints replaced by ints never show
it."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"identity on no-op", "exception safety"}
#: The bounds of the smallest witness: exhaust finds it at max_ops, in its typed domain.
EXHAUST = {"max_ops": 2, "keys": 1, "values": "typed"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    @staticmethod
    def _same(stored: Any, value: Any) -> bool:
        return type(stored) is type(value) and bool(stored == value)  # the bug: type first
