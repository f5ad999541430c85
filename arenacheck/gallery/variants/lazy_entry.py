"""``entry(h, key)`` checks only that the builder is open; the handle is checked when the entry is
used (``or_insert``, ``or_insert_with``, ``replace``), which raises ``InvalidHandle`` then. SPEC
names the calls that raise, not the moment within ``b.entry(h, key).or_insert(v)``."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
FREEDOM = "when an entry checks its handle"
REJECTED_BY: set[str] = set()
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def entry(self, h: Any, key: Any) -> impl.Entry:
        self._mutating()
        return impl.Entry(self, h, key)
