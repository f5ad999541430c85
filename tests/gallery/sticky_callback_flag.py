"""The merge sets its "inside a callback" flag but clears it only on success (no try/finally):
after a combine raises, every later call is refused as re-entrant. Visible only after a raise."""

from typing import Any

from arenacheck import impl
from arenacheck.impl import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"exception safety", "unexpected error"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _merge(self, h1: Any, h2: Any, combine: Any, union: bool) -> Any:
        try:
            return super()._merge(h1, h2, combine, union)
        except Exception:
            self._busy = True  # the bug: the flag stays set after the callback raised
            raise
