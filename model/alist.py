"""Reference model of sorted association lists (SPEC §2): the executable specification.

Every list is a tuple of ``(key, value)`` pairs in ascending key order, kept in a Python list and
named by its position there. Nothing is shared, nothing is optimized: each operation rebuilds the
whole tuple, so its correctness can be read off the code. ``cell_count`` is not measured from a
data structure; it is *stated* by the allocation law below, which is what the Rust original
allocates and what the runner holds every implementation to.
"""

from __future__ import annotations

import copy
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
    """Exact cells for inserting or replacing ``key``: ``1 + #{k in entries : k > key}``.

    The new cell plus a copy of every cell with a greater key, because cells are immutable and
    shared (a no-op allocates none).

    Complexity: O(log n) time: one bisection.

    >>> insert_cells(((1, "a"), (3, "c")), 2)
    2
    """
    greater = len(entries) - bisect_right(entries, key, key=_key)
    return 1 + greater


def intersect_cells(result: Sequence[tuple[Any, Any]]) -> int:
    """Upper bound for an intersection: one cell per result entry.

    Complexity: O(1).

    >>> intersect_cells(((2, "b"),))
    1
    """
    return len(result)


def union_cells(
    first: Sequence[tuple[Any, Any]],
    second: Sequence[tuple[Any, Any]],
    result: Sequence[tuple[Any, Any]],
) -> int:
    """Upper bound for a union: entries below both minimums are a shared prefix of one input.

    Complexity: O(len(result)) time.

    >>> union_cells(((1, "a"), (2, "b")), ((2, "z"),), ((1, "a"), (2, "b")))
    1
    """
    if not first or not second:
        return 0
    shared_below = max(first[0][0], second[0][0])
    return len(result) - sum(1 for k, _ in result if k < shared_below)


# --- The operations on contents, as functions --------------------------------------------------


def put_entries(entries: Entries, key: Any, value: Any) -> Entries:
    """``entries`` with ``key -> value``, in key order (a foreign key raises ``TypeError``).

    Complexity: O(n) time: the tuple is rebuilt.

    >>> put_entries(((1, "a"), (3, "c")), 2, "b")
    ((1, 'a'), (2, 'b'), (3, 'c'))
    """
    where = bisect_left(entries, key, key=_key)
    present = where < len(entries) and entries[where][0] == key
    return (*entries[:where], (key, value), *entries[where + 1 if present else where :])


def merge_entries(
    first: Entries, second: Entries, combine: Callable[[Any, Any], Any], union: bool
) -> Entries:
    """The keys in both (``union``: in either), ``combine(first, second)`` for keys in both.

    Complexity: O(m log m) time for m = len(first) + len(second): two dicts and one sort.

    >>> merge_entries(((1, 10), (2, 20)), ((2, 5),), lambda v1, v2: v1 + v2, union=True)
    ((1, 10), (2, 25))
    """
    a, b = dict(first), dict(second)
    keys = sorted(a.keys() | b.keys())  # raises TypeError on incomparable keys

    def value(k: Any) -> Any:
        if k in a and k in b:
            return combine(a[k], b[k])
        return a[k] if k in a else b[k]

    return tuple((k, value(k)) for k in keys if union or (k in a and k in b))


# --- Reads, shared by the builder and the storage ----------------------------------------------


class _Lists:
    """Read access to a sequence of lists; a handle is an index into it.

    ``cell_count`` is a plain attribute: the cells the allocation law states, not a measurement.
    """

    def __init__(self, lists: list[Entries]) -> None:
        self._lists = lists
        self.cell_count = 0

    def __deepcopy__(self, memo: dict[int, Any]) -> _Lists:
        """A copy with its own list of lists, sharing the lists themselves: they are tuples of
        immutable entries, never changed. (Copying them one entry at a time made a snapshot of
        an arena after a long run cost seconds; the exhaust engine snapshots often.)"""
        copied = copy.copy(self)
        lists = memo.get(id(self._lists))
        if lists is None:
            lists = memo[id(self._lists)] = list(self._lists)  # a storage shares its builder's
        copied._lists = lists
        memo[id(self)] = copied
        return copied

    def _entries(self, h: object) -> Entries:
        if h is EMPTY:
            return ()
        if type(h) is not int or not 0 <= h < len(self._lists):
            raise InvalidHandle(h)
        return self._lists[h]

    def items(self, h: Handle) -> list[tuple[Any, Any]]:
        """The entries of ``h``, ascending.

        Complexity: O(n) time for n entries in ``h``.

        >>> b = ListBuilder()
        >>> b.items(b.insert(b.insert(EMPTY, 2, "b"), 1, "a"))
        [(1, 'a'), (2, 'b')]
        """
        return list(self._entries(h))

    def keys(self, h: Handle) -> list[Any]:
        """The keys of ``h``, ascending.

        Complexity: O(n) time for n entries in ``h``.

        >>> b = ListBuilder()
        >>> b.keys(b.insert(b.insert(EMPTY, "y"), "x"))
        ['x', 'y']
        """
        return [k for k, _ in self._entries(h)]

    def items_reverse(self, h: Handle) -> list[tuple[Any, Any]]:
        """The entries of ``h``, descending.

        Complexity: O(n) time for n entries in ``h``.

        >>> b = ListBuilder()
        >>> b.items_reverse(b.insert(b.insert(EMPTY, 1, "a"), 2, "b"))
        [(2, 'b'), (1, 'a')]
        """
        return list(reversed(self._entries(h)))

    def get(self, h: Handle, key: Any, default: Any = None) -> Any:
        """The value of ``key`` in ``h``, or ``default``.

        Complexity: O(1 + #{k in h : k < key}) time; O(n) at worst.

        >>> b = ListBuilder()
        >>> h = b.insert(EMPTY, 1, "a")
        >>> b.get(h, 1), b.get(h, 2), b.get(h, 2, "-")
        ('a', None, '-')
        """
        # An ordered walk, like the implementation's: a key of a foreign type raises TypeError.
        for k, v in self._entries(h):
            if k == key:
                return v
            if k > key:
                return default
        return default

    def contains(self, h: Handle, key: Any) -> bool:
        """Whether ``key`` is in ``h`` (a ``None`` value counts).

        Complexity: O(1 + #{k in h : k < key}) time, as ``get``.

        >>> b = ListBuilder()
        >>> b.contains(b.insert(EMPTY, 1), 1), b.contains(EMPTY, 1)
        (True, False)
        """
        missing = object()
        return self.get(h, key, missing) is not missing

    def length(self, h: Handle) -> int:
        """The number of entries in ``h``.

        Complexity: O(1).

        >>> b = ListBuilder()
        >>> b.length(b.insert(b.insert(EMPTY, 1), 2)), b.length(EMPTY)
        (2, 0)
        """
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
        """The place of ``key`` in ``h``, to insert or replace through; checks ``h`` now.

        Complexity: O(1).

        >>> b = ListBuilder()
        >>> b.items(b.entry(EMPTY, 1).or_insert("a"))
        [(1, 'a')]
        """
        self._mutating()
        self._entries(h)
        return Entry(self, h, key)

    def insert(self, h: Handle, key: Any, value: Any = None) -> Handle:
        """``entry(h, key).or_insert(value)``; with no value, a set insert.

        Complexity: O(n) time (the tuple is rebuilt), O(log n) for a key already present;
        counts 1 + #{k in h : k > key} cells, none for a key already present.

        >>> b = ListBuilder()
        >>> h = b.insert(b.insert(b.insert(EMPTY, 1), 3), 2)
        >>> b.keys(h), b.cell_count, b.insert(h, 2) == h
        ([1, 2, 3], 4, True)
        """
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
        """The keys in both lists, each with the value ``combine(v1, v2)``.

        Complexity: O(m log m) time for m = len(h1) + len(h2) (``merge_entries`` sorts), O(1)
        when either is ``EMPTY``; counts len(result) cells.

        >>> b = ListBuilder()
        >>> h1, h2 = b.insert(b.insert(EMPTY, 1, 10), 2, 20), b.insert(EMPTY, 2, 5)
        >>> b.items(b.intersect_with(h1, h2, lambda v1, v2: v1 + v2))
        [(2, 25)]
        """
        self._mutating()
        first, second = self._entries(h1), self._entries(h2)
        if not first or not second:
            return EMPTY
        result = merge_entries(first, second, partial(self._combine, combine), union=False)
        return self._new(result, intersect_cells(result))

    def union_with(self, h1: Handle, h2: Handle, combine: Callable[[Any, Any], Any]) -> Handle:
        """The keys in either list; ``combine(v1, v2)`` for a key in both, other values kept.

        Complexity: O(m log m) time for m = len(h1) + len(h2) (``merge_entries`` sorts), O(1)
        when either is ``EMPTY``; counts len(result) - #{k in result : k < max(min h1, min h2)}
        cells, none when either is ``EMPTY``.

        >>> b = ListBuilder()
        >>> h1, h2 = b.insert(b.insert(EMPTY, 1, 10), 2, 20), b.insert(EMPTY, 2, 5)
        >>> b.items(b.union_with(h1, h2, lambda v1, v2: v1 + v2))
        [(1, 10), (2, 25)]
        """
        self._mutating()
        first, second = self._entries(h1), self._entries(h2)
        if not second:
            return h1
        if not first:
            return h2
        result = merge_entries(first, second, partial(self._combine, combine), union=True)
        return self._new(result, union_cells(first, second, result))

    def intersect(self, h1: Handle, h2: Handle) -> Handle:
        """``intersect_with`` keeping the first list's values: the set form.

        Complexity: O(m log m) time for m = len(h1) + len(h2), O(1) when either is ``EMPTY``;
        counts len(result) cells.

        >>> b = ListBuilder()
        >>> h1, h2 = b.insert(b.insert(EMPTY, 1, "a"), 2, "b"), b.insert(EMPTY, 2, "z")
        >>> b.items(b.intersect(h1, h2))
        [(2, 'b')]
        """
        return self.intersect_with(h1, h2, _keep_first)

    def union(self, h1: Handle, h2: Handle) -> Handle:
        """``union_with`` keeping the first list's value for a key in both: the set form.

        Complexity: O(m log m) time for m = len(h1) + len(h2), O(1) when either is ``EMPTY``;
        counts len(result) - #{k in result : k < max(min h1, min h2)} cells.

        >>> b = ListBuilder()
        >>> h1, h2 = b.insert(b.insert(EMPTY, 1, "a"), 2, "b"), b.insert(EMPTY, 2, "z")
        >>> b.items(b.union(h1, h2))
        [(1, 'a'), (2, 'b')]
        """
        return self.union_with(h1, h2, _keep_first)

    def build(self) -> ListStorage:
        """Finish the builder: a read-only storage sharing its lists; its reads keep working.

        Complexity: O(1).

        >>> b = ListBuilder()
        >>> h = b.insert(EMPTY, 1, "a")
        >>> b.build().items(h), b.items(h)
        ([(1, 'a')], [(1, 'a')])
        """
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
        """The list with ``key -> value`` added, or the input handle itself if ``key`` is present.

        Complexity: O(n) time (the tuple is rebuilt), O(log n) for a key already present;
        counts 1 + #{k in h : k > key} cells, none for a key already present.

        >>> b = ListBuilder()
        >>> h = b.entry(EMPTY, 1).or_insert("a")
        >>> b.entry(h, 1).or_insert("b") == h
        True
        """
        return self._builder._put(self._h, self._key, lambda: value, replace=False)

    def or_insert_with(self, fn: Callable[[], Any]) -> Handle:
        """As ``or_insert``, with the value ``fn()``; ``fn`` runs only when the key is inserted.

        Complexity: O(n) time (the tuple is rebuilt) and one call of ``fn``, O(log n) and no
        call for a key already present; counts 1 + #{k in h : k > key} cells, none then.

        >>> b = ListBuilder()
        >>> h = b.entry(EMPTY, 1).or_insert_with(list)
        >>> b.entry(h, 1).or_insert_with(lambda: 1 / 0) == h
        True
        """
        return self._builder._put(self._h, self._key, fn, replace=False)

    def replace(self, value: Any) -> Handle:
        """The list with ``key`` mapped to ``value``; the input handle itself if it already is.

        Complexity: O(n) time (the tuple is rebuilt), O(log n) when the stored value equals
        ``value``; counts 1 + #{k in h : k > key} cells, none then.

        >>> b = ListBuilder()
        >>> h = b.entry(EMPTY, 1).or_insert("a")
        >>> b.items(b.entry(h, 1).replace("b")), b.entry(h, 1).replace("a") == h
        ([(1, 'b')], True)
        """
        return self._builder._put(self._h, self._key, lambda: value, replace=True)
