"""An insert whose key cannot be compared with the list's keys returns the list unchanged
instead of letting the comparison's ``TypeError`` through (SPEC §2.2): a string key in a list of
ints is silently dropped."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"bad input"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 2, "keys": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _put(self, h: Any, key: Any, value: Any, make: Any, replace: bool) -> Any:
        try:
            return super()._put(h, key, value, make, replace)
        except TypeError:
            return h  # the bug: "a key that does not fit is not in the list"
