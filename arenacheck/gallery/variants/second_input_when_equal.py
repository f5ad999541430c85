"""A merge whose result holds exactly what its *second* input holds returns that input's handle
(the bundled merge returns the first input where the result is made of the first input's cells).
SPEC leaves handle values to the implementation and lets it return an input's handle for a result
equal to it; the cells it made first are within the allocation bound."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder
from arenacheck.values import same_entries

STRUCTURE = "alist"
FREEDOM = "returning an input's handle for a result equal to it"
REJECTED_BY: set[str] = set()
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _merge(self, h1: Any, h2: Any, combine: Any, union: bool) -> Any:
        result = super()._merge(h1, h2, combine, union)
        equal = result is not None and same_entries(self.items(result), self.items(h2))
        if result not in (h1, h2) and equal:
            return h2
        return result
