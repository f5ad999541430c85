"""Values are compared with ``is`` instead of ``==``: ``replace`` with an equal value that is a
different object (any int above 256 built at run time) makes a new list instead of returning
the input; and a value whose ``==`` raises never gets to raise (law 7)."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"identity on no-op", "exception safety"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 2, "keys": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    @staticmethod
    def _same(stored: Any, value: Any) -> bool:
        return stored is value  # the bug
