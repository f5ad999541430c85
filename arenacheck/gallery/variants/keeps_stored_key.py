"""A ``replace`` that finds its key present keeps the key object the list held, not the one the
caller passed (the bundled implementation stores the caller's): after ``replace`` of key ``1.0``
in a list holding key ``1``, the list holds ``1``. SPEC §2 compares keys by their order and
``==`` and leaves which of two equal keys a list holds to the implementation."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
FREEDOM = "which of two equal keys a list holds"
REJECTED_BY: set[str] = set()
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _put(self, h: Any, key: Any, value: Any, make: Any, replace: bool) -> Any:
        before = len(self._next)
        result = super()._put(h, key, value, make, replace)
        if replace and result != h and len(self._next) > before:
            stored = [k for k, _ in self.items(h) if k == key]
            if stored and repr(stored[0]) != repr(key):
                keys = self._keys if type(self._keys) is list else list(self._keys)
                keys[before] = stored[0]  # the key's cell is the first one the replace made
                self._keys = keys
        return result
