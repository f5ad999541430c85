"""Handles are numbered across builders: each builder's handles start where a process-wide
counter stood when it was made (and wrap before 2**30), so the first list of the second builder
is not ``0``. SPEC leaves handle values to the implementation: a handle is any plain int that
names a list of this arena (a valid-looking handle of another builder cannot be told apart, as
in the Rust original)."""

from __future__ import annotations

import itertools
from typing import Any

from arenacheck.errors import InvalidHandle
from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
FREEDOM = "handle values"
REJECTED_BY: set[str] = set()
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]

_BUILDERS = itertools.count(1)
_SPACING = 2**20  # handles of one builder: base .. base + cells
_INVALID = -1  # what the bundled arena is given for a handle this one does not know


class _Offset:
    """Translates this arena's handles (``base + cell``) to the bundled arena's cells and back."""

    base: int
    inner: Any

    def _in(self, h: object) -> Any:
        if h is None:
            return None
        if type(h) is int and self.base <= h < self.base + self.inner.cell_count:
            return h - self.base
        return _INVALID

    def _out(self, cell: Any) -> Any:
        return None if cell is None else cell + self.base

    def _call(self, name: str, *handles: Any, rest: tuple[Any, ...] = ()) -> Any:
        """The bundled arena's ``name`` on the translated handles; an ``InvalidHandle`` names the
        handle as the caller wrote it."""
        inner = [self._in(h) for h in handles]
        try:
            return getattr(self.inner, name)(*inner, *rest)
        except InvalidHandle:
            bad = [h for h, i in zip(handles, inner, strict=True) if i == _INVALID]
            raise InvalidHandle(bad[0] if bad else handles[0]) from None

    @property
    def cell_count(self) -> int:
        return int(self.inner.cell_count)

    def items(self, h: Any) -> Any:
        return self._call("items", h)

    def items_reverse(self, h: Any) -> Any:
        return self._call("items_reverse", h)

    def keys(self, h: Any) -> Any:
        return self._call("keys", h)

    def length(self, h: Any) -> Any:
        return self._call("length", h)

    def get(self, h: Any, key: Any, default: Any = None) -> Any:
        return self._call("get", h, rest=(key, default))

    def contains(self, h: Any, key: Any) -> Any:
        return self._call("contains", h, rest=(key,))


class ListStorage(_Offset):
    def __init__(self, inner: Any, base: int) -> None:
        self.inner, self.base = inner, base


class ListBuilder(_Offset):
    def __init__(self) -> None:
        self.inner = impl.ListBuilder()
        self.base = next(_BUILDERS) % 1024 * _SPACING

    def entry(self, h: Any, key: Any) -> Entry:
        self._call("entry", h, rest=(key,))  # validates now, as the bundled entry does
        return Entry(self, h, key)

    def insert(self, h: Any, key: Any, value: Any = None) -> Any:
        return self._out(self._call("insert", h, rest=(key, value)))

    def intersect_with(self, h1: Any, h2: Any, combine: Any) -> Any:
        return self._out(self._call("intersect_with", h1, h2, rest=(combine,)))

    def union_with(self, h1: Any, h2: Any, combine: Any) -> Any:
        return self._out(self._call("union_with", h1, h2, rest=(combine,)))

    def intersect(self, h1: Any, h2: Any) -> Any:
        return self._out(self._call("intersect", h1, h2))

    def union(self, h1: Any, h2: Any) -> Any:
        return self._out(self._call("union", h1, h2))

    def build(self) -> ListStorage:
        return ListStorage(self.inner.build(), self.base)


class Entry:
    def __init__(self, builder: ListBuilder, h: Any, key: Any) -> None:
        self.builder, self.h, self.key = builder, h, key

    def _entry_call(self, how: str, arg: Any) -> Any:
        b = self.builder
        return b._out(getattr(b._call("entry", self.h, rest=(self.key,)), how)(arg))

    def or_insert(self, value: Any) -> Any:
        return self._entry_call("or_insert", value)

    def or_insert_with(self, fn: Any) -> Any:
        return self._entry_call("or_insert_with", fn)

    def replace(self, value: Any) -> Any:
        return self._entry_call("replace", value)
