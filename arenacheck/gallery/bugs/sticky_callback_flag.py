"""The merge sets its "inside a callback" flag but clears it only on success (no try/finally):
after a ``combine`` raises, every later call is refused as re-entrant. Visible only after a
raising combine."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"exception safety"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 2, "keys": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _merge(self, h1: Any, h2: Any, combine: Any, union: bool) -> Any:
        if combine is None:
            return super()._merge(h1, h2, combine, union)
        raised: list[BaseException] = []

        def watched(first: Any, second: Any) -> Any:
            try:
                return combine(first, second)
            except Exception as err:
                raised.append(err)
                raise

        try:
            return super()._merge(h1, h2, watched, union)
        finally:
            if raised:
                self._busy = True  # the bug: the flag stays set after the combine raised
