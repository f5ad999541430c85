"""A finished builder is checked *last*: a mutating call with a bad handle raises
``InvalidHandle``, one with a foreign key raises the comparison's ``TypeError``, and a bad record
raises ``TypeError``/``ValueError``, even after ``build()``; ``BuilderFinished`` only when nothing
else is wrong. SPEC leaves the order of errors, when several apply, to the implementation."""

from typing import Any

from arenacheck.errors import BuilderFinished
from arenacheck.impl import pure as impl
from arenacheck.impl.intervals import _u32
from arenacheck.impl.pure import EMPTY

STRUCTURE = "both"
FREEDOM = "the order of errors when several apply"
REJECTED_BY = {"error-order"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def _refuse(self, *handles: Any, key: Any = None, compare: bool = False) -> None:
        """On a finished builder (outside a callback): every other error first, then this one."""
        if not self._finished or self._busy:
            return
        heads = [self._head(h) for h in handles]  # InvalidHandle
        tops = [self._keys[c] for c in heads if c >= 0]
        if compare and tops:
            _ = [top < key for top in tops]  # a foreign key's TypeError
        if len(tops) == 2:
            _ = tops[0] < tops[1]  # two lists whose keys cannot be compared
        raise BuilderFinished("ListBuilder")

    def entry(self, h: Any, key: Any) -> Any:
        self._refuse(h, key=key, compare=True)
        return super().entry(h, key)

    def insert(self, h: Any, key: Any, value: Any = None) -> Any:
        self._refuse(h, key=key, compare=True)
        return super().insert(h, key, value)

    def _merge(self, h1: Any, h2: Any, combine: Any, union: bool) -> Any:
        self._refuse(h1, h2)
        return super()._merge(h1, h2, combine, union)


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def record(self, index: int, scope: int) -> None:
        if self._finished:
            _u32("index", index), _u32("scope", scope)
        super().record(index, scope)
