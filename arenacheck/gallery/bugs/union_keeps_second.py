"""The set form of ``union`` keeps the *second* list's value for a key in both, where SPEC says
the first's: every key is right, only values differ, and only when the inputs disagree on one
(contents, law 2)."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"contents"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 3, "keys": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


def _second(first: Any, second: Any) -> Any:
    return second


class ListBuilder(impl.ListBuilder):
    def union(self, h1: Any, h2: Any) -> Any:
        return self._merge(h1, h2, _second, union=True)  # the bug: the set form takes the second
