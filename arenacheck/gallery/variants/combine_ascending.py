"""``combine`` is called in *ascending* key order (the bundled merge zips from the top, so it calls
it in descending order): the values for the common keys are made first, smallest key first, and
the zip then takes them. SPEC leaves the order of ``combine`` calls across keys to the
implementation."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
FREEDOM = "the order of combine calls across keys"
REJECTED_BY: set[str] = set()
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _merge(self, h1: Any, h2: Any, combine: Any, union: bool) -> Any:
        if combine is None or self._busy or self._finished:
            return super()._merge(h1, h2, combine, union)
        first, second = dict(self.items(h1)), self.items(h2)
        common = [(first[k], v) for k, v in second if k in first]  # ascending
        self._busy = True
        try:
            made = [combine(a, b) for a, b in common]
        finally:
            self._busy = False
        return super()._merge(h1, h2, lambda a, b: made.pop(), union)  # the zip: largest first
