"""Merges skip the "finished" check that inserts make: after ``build()``, ``intersect`` and
``union`` still allocate in the arena the storage now owns, instead of raising
``BuilderFinished`` (SPEC §2.2)."""

from typing import Any

from arenacheck.errors import ReentrantCall
from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"bad input"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 2, "keys": 1, "alphabet": "set"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _merge(self, h1: Any, h2: Any, combine: Any, union: bool) -> Any:
        if self._busy:
            raise ReentrantCall()
        finished, self._finished = self._finished, False  # the bug: merges never ask
        try:
            return super()._merge(h1, h2, combine, union)
        finally:
            self._finished = finished
