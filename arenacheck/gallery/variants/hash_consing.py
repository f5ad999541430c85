"""Cells are hash-consed: a new cell equal to one the arena holds already (same key, same value,
same next cell) is that cell. An insert whose result exists already allocates nothing and returns
that list's handle, which may be any earlier list's. SPEC's allocation laws are upper bounds
("allocating less is welcome") and handle values are the implementation's: only a no-op must
return the input itself, and an empty result ``EMPTY``."""

import json
from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.kernels import NewCells
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder
from arenacheck.values import encode

STRUCTURE = "alist"
FREEDOM = "allocating fewer cells than a bound"
REJECTED_BY = {"exact-allocation"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class ListBuilder(impl.ListBuilder):
    def __init__(self) -> None:
        super().__init__()
        self._known: dict[tuple[Any, ...], int] = {}
        #: Each value object's signature, computed once (a run of inserts stores one object in
        #: thousands of cells), with the object kept alive so that its id names it.
        self._signatures: dict[int, tuple[Any, str]] = {}

    def _signature(self, value: Any) -> Any:
        """The value by its encoding: equal, and of the same types throughout (SPEC §2)."""
        if type(value) in (int, str, bool, type(None)):
            return (type(value), value)
        known = self._signatures.get(id(value))
        if known is None or known[0] is not value:
            known = self._signatures[id(value)] = (value, json.dumps(encode(value)))
        return known[1]

    def insert(self, h: Any, key: Any, value: Any = None) -> Any:
        return self._put(h, key, value, None, replace=False)  # every cell through ``_cell``

    def _cell(self, key: Any, value: Any, nxt: int) -> int:
        try:
            signature = (type(key), key, self._signature(value), nxt)
            known = self._known.get(signature)
        except (TypeError, ValueError):  # an unhashable key, a value of no kind: never shared
            return super()._cell(key, value, nxt)
        if known is None:
            known = self._known[signature] = super()._cell(key, value, nxt)
        return known

    def _append(self, cells: NewCells) -> Any:
        head, keys, values, nexts = cells
        size = len(self._next)
        placed: list[int] = []  # where each new cell went
        for key, value, nxt in zip(keys, values, nexts, strict=True):
            placed.append(self._cell(key, value, placed[nxt - size] if nxt >= size else nxt))
        cell = placed[head - size] if head >= size else head
        return EMPTY if cell < 0 else cell
