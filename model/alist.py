"""Reference model of sorted association lists (SPEC §2): the executable specification.

Every list is a tuple of ``(key, value)`` pairs in ascending key order, kept in a Python list and
named by its position there. Nothing is shared, nothing is optimized: each operation rebuilds the
whole tuple, so its correctness can be read off the code. ``cell_count`` is not measured from a
data structure; it is *stated* by the allocation law below, which is what the Rust original
allocates and what the runner holds every implementation to.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from operator import itemgetter
from typing import Any

from arenacheck.errors import BuilderFinished, InvalidHandle, ReentrantCall

EMPTY = None

Handle = int | None
Entries = tuple[tuple[Any, Any], ...]


_key = itemgetter(0)


# --- The allocation law (SPEC §2.1 law 5) -------------------------------------------------------


def insert_cells(entries: Sequence[tuple[Any, Any]], key: Any) -> int:
    """Exact cells for inserting or replacing ``key`` (a no-op allocates none): the new cell plus
    a copy of every cell with a greater key, because cells are immutable and shared."""
    greater = len(entries) - bisect_right(entries, key, key=_key)
    return 1 + greater


def intersect_cells(result: Sequence[tuple[Any, Any]]) -> int:
    """Upper bound for an intersection: one cell per result entry."""
    return len(result)


def union_cells(
    first: Sequence[tuple[Any, Any]],
    second: Sequence[tuple[Any, Any]],
    result: Sequence[tuple[Any, Any]],
) -> int:
    """Upper bound for a union: entries below both minimums are a shared prefix of one input."""
    if not first or not second:
        return 0
    shared_below = max(first[0][0], second[0][0])
    return len(result) - sum(1 for k, _ in result if k < shared_below)


# --- The operations on contents, as functions --------------------------------------------------


def put_entries(entries: Entries, key: Any, value: Any) -> Entries:
    """``entries`` with ``key -> value``, in key order (a foreign key raises ``TypeError``)."""
    where = bisect_left(entries, key, key=_key)
    present = where < len(entries) and entries[where][0] == key
    return (*entries[:where], (key, value), *entries[where + 1 if present else where :])


def merge_entries(
    first: Entries, second: Entries, combine: Callable[[Any, Any], Any], union: bool
) -> Entries:
    """The keys in both (``union``: in either), ``combine(first, second)`` for keys in both."""
    a, b = dict(first), dict(second)
    keys = sorted(a.keys() | b.keys())  # raises TypeError on incomparable keys

    def value(k: Any) -> Any:
        if k in a and k in b:
            return combine(a[k], b[k])
        return a[k] if k in a else b[k]

    return tuple((k, value(k)) for k in keys if union or (k in a and k in b))


# --- Reads, shared by the builder and the storage ----------------------------------------------


class _Lists:
    """Read access to a sequence of lists; a handle is an index into it."""

    def __init__(self, lists: list[Entries]) -> None:
        self._lists = lists
        self.cell_count = 0

    def _entries(self, h: object) -> Entries:
        if h is EMPTY:
            return ()
        if type(h) is not int or not 0 <= h < len(self._lists):
            raise InvalidHandle(h)
        return self._lists[h]

    def items(self, h: Handle) -> list[tuple[Any, Any]]:
        return list(self._entries(h))

    def keys(self, h: Handle) -> list[Any]:
        return [k for k, _ in self._entries(h)]

    def items_reverse(self, h: Handle) -> list[tuple[Any, Any]]:
        return list(reversed(self._entries(h)))

    def get(self, h: Handle, key: Any, default: Any = None) -> Any:
        # An ordered walk, like the implementation's: a key of a foreign type raises TypeError.
        for k, v in self._entries(h):
            if k == key:
                return v
            if k > key:
                return default
        return default

    def contains(self, h: Handle, key: Any) -> bool:
        missing = object()
        return self.get(h, key, missing) is not missing

    def length(self, h: Handle) -> int:
        return len(self._entries(h))


class ListStorage(_Lists):
    """The read-only result of ``ListBuilder.build()``."""


class ListBuilder(_Lists):
    """Owns one arena of lists; every mutating operation returns a handle."""

    def __init__(self) -> None:
        super().__init__([])
        self._finished = False
        self._in_callback = False

    # Guards: a finished builder refuses to mutate; a callback must not call back in at all.

    def _enter(self) -> None:
        if self._in_callback:
            raise ReentrantCall()

    def _mutating(self) -> None:
        self._enter()
        if self._finished:
            raise BuilderFinished("ListBuilder")

    @contextmanager
    def _callback(self) -> Iterator[None]:
        self._in_callback = True
        try:
            yield
        finally:
            self._in_callback = False

    def _entries(self, h: object) -> Entries:
        self._enter()
        return super()._entries(h)

    def _new(self, entries: Entries, cells: int) -> Handle:
        if not entries:
            return EMPTY
        self._lists.append(entries)
        self.cell_count += cells
        return len(self._lists) - 1

    # Insertion.

    def entry(self, h: Handle, key: Any) -> Entry:
        self._mutating()
        self._entries(h)
        return Entry(self, h, key)

    def insert(self, h: Handle, key: Any, value: Any = None) -> Handle:
        return self.entry(h, key).or_insert(value)

    def _put(self, h: Handle, key: Any, make: Callable[[], Any], replace: bool) -> Handle:
        self._mutating()
        entries = self._entries(h)
        where = bisect_left(entries, key, key=_key)  # a foreign key raises TypeError here
        present = where < len(entries) and entries[where][0] == key
        if present and not replace:
            return h
        with self._callback():
            new_value = make()
        if present and entries[where][1] == new_value:
            return h
        return self._new(put_entries(entries, key, new_value), insert_cells(entries, key))

    # Merges.

    def _combine(self, combine: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
        with self._callback():
            return combine(a, b)

    def intersect_with(self, h1: Handle, h2: Handle, combine: Callable[[Any, Any], Any]) -> Handle:
        self._mutating()
        first, second = self._entries(h1), self._entries(h2)
        if not first or not second:
            return EMPTY
        result = merge_entries(first, second, partial(self._combine, combine), union=False)
        return self._new(result, intersect_cells(result))

    def union_with(self, h1: Handle, h2: Handle, combine: Callable[[Any, Any], Any]) -> Handle:
        self._mutating()
        first, second = self._entries(h1), self._entries(h2)
        if not second:
            return h1
        if not first:
            return h2
        result = merge_entries(first, second, partial(self._combine, combine), union=True)
        return self._new(result, union_cells(first, second, result))

    def intersect(self, h1: Handle, h2: Handle) -> Handle:
        return self.intersect_with(h1, h2, _keep_first)

    def union(self, h1: Handle, h2: Handle) -> Handle:
        return self.union_with(h1, h2, _keep_first)

    def build(self) -> ListStorage:
        self._mutating()
        self._finished = True
        storage = ListStorage(self._lists)
        storage.cell_count = self.cell_count
        return storage


def _keep_first(first: Any, second: Any) -> Any:
    return first


class Entry:
    """A key's place in a list, as in a hash map's entry API."""

    def __init__(self, builder: ListBuilder, h: Handle, key: Any) -> None:
        self._builder, self._h, self._key = builder, h, key

    def or_insert(self, value: Any) -> Handle:
        return self._builder._put(self._h, self._key, lambda: value, replace=False)

    def or_insert_with(self, fn: Callable[[], Any]) -> Handle:
        return self._builder._put(self._h, self._key, fn, replace=False)

    def replace(self, value: Any) -> Handle:
        return self._builder._put(self._h, self._key, lambda: value, replace=True)
