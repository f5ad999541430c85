"""``record`` checks ``index <= 2**32`` instead of ``< 2**32``: the index 2**32 gets past the
check and fails later with the wrong error (an ``OverflowError`` from the record array)."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"bad input"}
#: The bounds of the smallest witness: exhaust finds it at max_ops.
EXHAUST = {"max_ops": 1, "keys": 1, "scopes": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def record(self, index: Any, scope: Any) -> None:
        if isinstance(index, int) and not isinstance(index, bool) and index == 2**32:
            self._records.append(index << 32 | scope)  # the bug: 2**32 passes the check
        super().record(index, scope)
