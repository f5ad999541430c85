"""Int keys are stored in a signed 64-bit column without a range check: a key beyond 64 bits
wraps (``2**64`` is stored as ``0``) and the list reads back another key, out of order. SPEC
lets keys be ints of any size; every key within 64 bits is stored right, so only keys beyond
show it."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"contents", "order"}
#: No small domain holds a key beyond 64 bits: out of exhaust's reach.
EXHAUST = None
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


def wrapped(key: Any) -> Any:
    """``key`` as a signed 64-bit column holds it (the bug: no range check)."""
    if type(key) is not int:
        return key
    return (key + 2**63) % 2**64 - 2**63


class ListBuilder(impl.ListBuilder):
    def _cell(self, key: Any, value: Any, nxt: int) -> int:
        return super()._cell(wrapped(key), value, nxt)

    def _append(self, cells: Any) -> Any:
        head, keys, values, nexts = cells
        return super()._append((head, [wrapped(k) for k in keys], values, nexts))
