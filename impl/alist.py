"""Arena association lists (SPEC §2): the optimized implementation.

Layout, after the Rust original: a list is a chain of immutable *cells*, each holding a key, a
value and the index of the next cell, and a handle is the index of the list's head cell. Chains
run from the **largest** key down, so adding a key above every key of a list (the common case:
predicate ids grow in visiting order) is one new cell pointing at the old head, and any two lists
that grew from a common ancestor share that ancestor's cells as their tail.

The cells of one builder live in three flat columns (parallel sequences indexed by cell), never
in per-cell objects: ``next`` is an ``array('i')``; keys and values each start in the most compact
form that holds them (nothing at all while every value is ``None``, then ``array('q')`` while every
item is a machine int) and are widened to a ``list`` once, the first time an item does not fit.

Every algorithm is a loop and a pure function over the columns (``kernels.py``; ``insert`` decides
its hot case, an int key above the list's top, itself, as ``put`` would): the kernel returns the
new cells, bottom-up, for the builder to append. Callbacks and key comparisons (the only code that
can raise) all run before the first cell is appended, so a failed operation leaves no trace.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from arenacheck.errors import BuilderFinished, InvalidHandle, ReentrantCall
from arenacheck.impl.kernels import NewCells, merge, put, same, walk

EMPTY = None

Handle: TypeAlias = int | None
Column: TypeAlias = "array[int] | list[Any] | None"

_END = -1  # the ``next`` of a list's last cell
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def grown(column: Column, items: Sequence[Any], size: int) -> Column:
    """``column`` (holding ``size`` items) with ``items`` appended, widened first if needed.

    ``None`` stands for a column of ``size`` Nones; an ``array('q')`` holds machine ints (not
    bools); anything else makes the column a ``list``, once.
    """
    if column is None:
        if all(item is None for item in items):
            return None
        column = array("q") if size == 0 else [None] * size
    if type(column) is array and not all(
        type(item) is int and _INT64_MIN <= item <= _INT64_MAX for item in items
    ):
        column = list(column)
    column.extend(items)
    return column


class _Cells:
    """Read access to an arena of cells; shared by the builder and the storage."""

    def __init__(self) -> None:
        self._keys: array[int] | list[Any] = array("q")
        self._values: Column = None
        self._next: array[int] = array("i")

    @property
    def cell_count(self) -> int:
        """Cells allocated so far in this arena.

        The cost measure of SPEC's allocation law: an operation costs the change it makes here.

        Complexity: O(1).

        >>> b = ListBuilder()
        >>> h = b.insert(b.insert(EMPTY, 1), 2)
        >>> b.cell_count, b.build().cell_count
        (2, 2)
        """
        return len(self._next)

    _busy = False  # a builder's flag, True while a user callback runs; a storage has none

    def _head(self, h: object) -> int:
        """The head cell of ``h`` (``_END`` for ``EMPTY``); ``InvalidHandle`` for anything else,
        ``ReentrantCall`` from inside a callback."""
        if self._busy:
            raise ReentrantCall()
        if h is None:
            return _END
        if type(h) is int and 0 <= h < len(self._next):
            return h
        raise InvalidHandle(h)

    def _value(self, cell: int) -> Any:
        values = self._values
        return None if values is None else values[cell]

    def items_reverse(self, h: Handle) -> list[tuple[Any, Any]]:
        """Entries in descending key order: the chain's own order.

        Cells run from the largest key down, so this walk needs no reversal.

        Complexity: O(n) time for n entries in ``h``.

        >>> b = ListBuilder()
        >>> b.items_reverse(b.insert(b.insert(EMPTY, 1, "a"), 2, "b"))
        [(2, 'b'), (1, 'a')]
        """
        return walk(self._keys, self._values, self._next, self._head(h))

    def items(self, h: Handle) -> list[tuple[Any, Any]]:
        """Entries in ascending key order.

        The chain's walk, reversed in place; a bad handle raises here, at the call.

        Complexity: O(n) time for n entries in ``h``.

        >>> b = ListBuilder()
        >>> b.items(b.insert(b.insert(EMPTY, 2, "b"), 1, "a"))
        [(1, 'a'), (2, 'b')]
        >>> b.items(EMPTY)
        []
        >>> b.items(-1)
        Traceback (most recent call last):
          ...
        arenacheck.errors.InvalidHandle: invalid list handle -1
        """
        out = self.items_reverse(h)
        out.reverse()
        return out

    def keys(self, h: Handle) -> list[Any]:
        """The keys of ``h``, ascending.

        Complexity: O(n) time for n entries in ``h``.

        >>> b = ListBuilder()
        >>> b.keys(b.insert(b.insert(EMPTY, "y"), "x"))
        ['x', 'y']
        """
        return [k for k, _ in self.items(h)]

    def length(self, h: Handle) -> int:
        """The number of entries in ``h``.

        A cell holds a key, a value and a next, no length, so this counts the chain.

        Complexity: O(n) time for n entries in ``h``.

        >>> b = ListBuilder()
        >>> b.length(b.insert(b.insert(EMPTY, 1), 2)), b.length(EMPTY)
        (2, 0)
        """
        cell = self._head(h)
        nxt = self._next
        n = 0
        while cell >= 0:
            n += 1
            cell = nxt[cell]
        return n

    def get(self, h: Handle, key: Any, default: Any = None) -> Any:
        """The value of ``key`` in ``h``, or ``default``.

        Linear, walking down from the largest key: it stops at the first key not above ``key``.
        A key of a foreign type raises the comparison's ``TypeError``.

        Complexity: O(1 + #{k in h : k > key}) time; O(n) at worst.

        >>> b = ListBuilder()
        >>> h = b.insert(b.insert(EMPTY, 1, "a"), 3, "c")
        >>> b.get(h, 3), b.get(h, 2), b.get(h, 2, "-")
        ('c', None, '-')
        """
        cell = self._head(h)
        keys, nxt = self._keys, self._next
        while cell >= 0:
            k = keys[cell]
            if k == key:
                return self._value(cell)
            if k < key:
                return default
            cell = nxt[cell]
        return default

    def contains(self, h: Handle, key: Any) -> bool:
        """Whether ``key`` is in ``h``.

        A sentinel default, so a key stored with the value ``None`` counts.

        Complexity: O(1 + #{k in h : k > key}) time, as ``get``.

        >>> b = ListBuilder()
        >>> h = b.insert(EMPTY, 1, None)
        >>> b.contains(h, 1), b.contains(h, 2)
        (True, False)
        """
        missing = object()
        return self.get(h, key, missing) is not missing


class ListStorage(_Cells):
    """The read-only arena that ``ListBuilder.build()`` hands over."""

    def __init__(self, keys: array[int] | list[Any], values: Column, nxt: array[int]) -> None:
        super().__init__()
        self._keys, self._values, self._next = keys, values, nxt


class ListBuilder(_Cells):
    """Owns one arena; every mutating operation returns a handle and never changes a cell."""

    def __init__(self) -> None:
        super().__init__()
        self._finished = False
        self._busy = False  # True while a user callback runs

    def _mutating(self) -> None:
        if self._busy:
            raise ReentrantCall()
        if self._finished:
            raise BuilderFinished("ListBuilder")

    def _cell(self, key: Any, value: Any, nxt: int) -> int:
        """Allocate one cell; ``next`` first, so a full arena fails before anything changes."""
        cell = len(self._next)
        self._next.append(nxt)
        # The common cases append in place, without a call; ``grown`` handles every other.
        keys, values = self._keys, self._values
        if type(keys) is list or (type(key) is int and _INT64_MIN <= key <= _INT64_MAX):
            keys.append(key)
        else:
            self._keys = grown(keys, (key,), cell)  # type: ignore[assignment]
        if type(values) is list or (
            values is not None and type(value) is int and _INT64_MIN <= value <= _INT64_MAX
        ):
            values.append(value)
        elif values is not None or value is not None:
            self._values = grown(values, (value,), cell)
        return cell

    # Insertion: copy every cell above the key, then one new cell for it.

    def entry(self, h: Handle, key: Any) -> Entry:
        """The place of ``key`` in ``h``, to insert or replace through (``Entry``).

        The handle is checked here, so a bad one raises at this call; ``key`` is compared only
        by the entry's method.

        Complexity: O(1); no cells until the entry's method runs.

        >>> b = ListBuilder()
        >>> h = b.entry(EMPTY, 1).or_insert("a")
        >>> b.items(b.entry(h, 1).replace("b"))
        [(1, 'b')]
        """
        self._mutating()
        self._head(h)
        return Entry(self, h, key)

    def insert(self, h: Handle, key: Any, value: Any = None) -> Handle:
        """Add ``key -> value`` unless ``key`` is present; with no value, a set insert.

        ``entry(h, key).or_insert(value)`` without the entry object: the hot path. A present key
        returns ``h`` itself; every cell above ``key`` is copied, because cells are immutable.

        Complexity: O(1 + #{k in h : k > key}) time and cells; O(1) for a key above every key;
        no cells for a key already present.

        >>> b = ListBuilder()
        >>> h = b.insert(b.insert(EMPTY, 1, "a"), 3, "c")
        >>> before = b.cell_count
        >>> h2 = b.insert(h, 2, "b")
        >>> b.cell_count - before  # the cell for 2, and a copy of the cell for 3 above it
        2
        >>> b.items(h2)
        [(1, 'a'), (2, 'b'), (3, 'c')]
        >>> b.insert(h2, 2, "other") == h2
        True
        """
        # Most inserts of a flow put an int key above every key of the list (predicate ids grow
        # in visiting order): one cell on the old head, decided here without the kernel call,
        # exactly as ``put`` would decide it, and appended in place when it holds no value.
        # Anything else, and every error, takes ``_put``.
        keys = self._keys
        if type(key) is int and type(keys) is array and not (self._busy or self._finished):
            if h is None:
                below = _END
            elif type(h) is int and 0 <= h < len(keys) and keys[h] < key:
                below = h
            else:
                return self._put(h, key, value, None, replace=False)
            if value is None is self._values and _INT64_MIN <= key <= _INT64_MAX:
                cell = len(keys)  # not ``len(keys) - 1`` after: an int from len() is 4 B smaller
                self._next.append(below)
                keys.append(key)
                return cell
            return self._cell(key, value, below)
        return self._put(h, key, value, None, replace=False)

    def _put(
        self, h: Handle, key: Any, value: Any, make: Callable[[], Any] | None, replace: bool
    ) -> Handle:
        """Insert or replace ``key``; ``make`` (an ``or_insert_with`` fn) makes the value."""
        self._mutating()
        head = self._head(h)
        columns, same = (self._keys, self._values, self._next), self._same
        if make is None:
            cells = put(*columns, head, key, value, None, replace, same)
        else:
            self._busy = True
            try:
                cells = put(*columns, head, key, value, make, replace, same)
            finally:
                self._busy = False
        if cells is None:
            return h
        _, new_keys, new_values, nexts = cells
        if len(nexts) == 1:  # the common case: one cell above every key
            return self._cell(new_keys[0], new_values[0], nexts[0])
        return self._append(cells)

    def _append(self, cells: NewCells) -> Handle:
        """Append a kernel's new cells (``next`` first, so a full arena fails before anything
        changes) and return the result's handle."""
        head, new_keys, new_values, nexts = cells
        if nexts:
            size = len(self._next)
            self._next.extend(nexts)
            self._keys = grown(self._keys, new_keys, size)  # type: ignore[assignment]
            self._values = grown(self._values, new_values, size)
        return EMPTY if head < 0 else head

    # Merges: zip both chains from the top into scratch lists, then build cells bottom-up.

    def intersect_with(self, h1: Handle, h2: Handle, combine: Callable[[Any, Any], Any]) -> Handle:
        """The keys in both lists, each with the value ``combine(v1, v2)``.

        Both chains are zipped once from the top; ``combine`` runs once per common key, before
        any cell is made, so one that raises leaves no trace. An input cell that already holds
        a result entry on the same rest is reused, not copied.

        Complexity: O(len(h1) + len(h2)) time, O(1) when either is ``EMPTY``; at most
        len(result) cells.

        >>> b = ListBuilder()
        >>> h1 = b.insert(b.insert(EMPTY, 1, 10), 2, 20)
        >>> h2 = b.insert(b.insert(EMPTY, 2, 5), 3, 7)
        >>> b.items(b.intersect_with(h1, h2, lambda v1, v2: v1 + v2))
        [(2, 25)]
        >>> b.intersect_with(h1, EMPTY, max) is EMPTY
        True
        """
        return self._merge(h1, h2, combine, union=False)

    def union_with(self, h1: Handle, h2: Handle, combine: Callable[[Any, Any], Any]) -> Handle:
        """The keys in either list; ``combine(v1, v2)`` for a key in both, other values kept.

        Both chains are zipped from the top until one runs out: the rest of the other holds the
        keys below both minimums and is shared, not copied.

        Complexity: O(len(h1) + len(h2)) time, O(1) when either is ``EMPTY``; at most
        len(result) - #{k in result : k < max(min h1, min h2)} cells, none when either is
        ``EMPTY``.

        >>> b = ListBuilder()
        >>> h1 = b.insert(b.insert(EMPTY, 1, 10), 2, 20)
        >>> h2 = b.insert(b.insert(EMPTY, 2, 5), 3, 7)
        >>> b.items(b.union_with(h1, h2, lambda v1, v2: v1 + v2))
        [(1, 10), (2, 25), (3, 7)]
        >>> b.union_with(h1, EMPTY, max) == h1
        True
        """
        return self._merge(h1, h2, combine, union=True)

    def intersect(self, h1: Handle, h2: Handle) -> Handle:
        """The keys in both lists, with the first list's values: the set form.

        With no ``combine`` no value can change, so the zip stops where both chains reach the
        same cell and keeps that tail whole: lists grown from a common ancestor share it.

        Complexity: O(len(h1) + len(h2)) time, stopping where both chains reach a shared cell
        (O(1) for a list with itself or ``EMPTY``); at most len(result) cells.

        >>> b = ListBuilder()
        >>> base = b.insert(b.insert(EMPTY, 1, "a"), 2, "b")
        >>> b.items(b.intersect(b.insert(base, 3, "c"), b.insert(base, 4, "d")))
        [(1, 'a'), (2, 'b')]
        """
        return self._merge(h1, h2, None, union=False)

    def union(self, h1: Handle, h2: Handle) -> Handle:
        """The keys in either list, with the first list's value for a key in both: the set form.

        As ``intersect``, the zip stops where both chains reach the same cell and shares that
        tail; below one input's minimum, the rest of the other is shared too.

        Complexity: O(len(h1) + len(h2)) time, stopping where both chains reach a shared cell
        (O(1) for a list with itself or ``EMPTY``); at most
        len(result) - #{k in result : k < max(min h1, min h2)} cells.

        >>> b = ListBuilder()
        >>> h1 = b.insert(b.insert(EMPTY, 1, "a"), 2, "b")
        >>> b.items(b.union(h1, b.insert(EMPTY, 2, "z")))
        [(1, 'a'), (2, 'b')]
        """
        return self._merge(h1, h2, None, union=True)

    def _merge(
        self, h1: Handle, h2: Handle, combine: Callable[[Any, Any], Any] | None, union: bool
    ) -> Handle:
        if self._busy or self._finished:
            self._mutating()
        c1, c2 = self._head(h1), self._head(h2)
        if c1 < 0 or c2 < 0:
            if not union:
                return EMPTY
            return h1 if c2 < 0 else h2
        if c1 == c2 and combine is None:
            return h1  # a list merged with itself, the common join of a flow
        self._busy = True
        try:
            cells = merge(self._keys, self._values, self._next, c1, c2, combine, union)
        finally:
            self._busy = False
        return self._append(cells)

    @staticmethod
    def _same(stored: Any, value: Any) -> bool:
        return same(stored, value)

    def build(self) -> ListStorage:
        """Finish the builder and hand its cells to a read-only storage.

        The columns are handed over, not copied: every handle reads the same in the storage.
        The builder keeps its reads and refuses every mutating call.

        Complexity: O(1).

        >>> b = ListBuilder()
        >>> h = b.insert(EMPTY, 1, "a")
        >>> s = b.build()
        >>> s.items(h), b.items(h)
        ([(1, 'a')], [(1, 'a')])
        >>> b.insert(h, 2)
        Traceback (most recent call last):
          ...
        arenacheck.errors.BuilderFinished: ListBuilder is finished: build() already ran
        """
        self._mutating()
        self._finished = True
        return ListStorage(self._keys, self._values, self._next)


class Entry:
    """A key's place in a list, as in a hash map's entry API."""

    __slots__ = ("_builder", "_h", "_key")

    def __init__(self, builder: ListBuilder, h: Handle, key: Any) -> None:
        self._builder, self._h, self._key = builder, h, key

    def or_insert(self, value: Any) -> Handle:
        """The list with ``key -> value`` added, or the input handle itself if ``key`` is present.

        Complexity: O(1 + #{k in h : k > key}) time and cells; O(1) for a key above every key;
        no cells for a key already present.

        >>> b = ListBuilder()
        >>> h = b.entry(EMPTY, 1).or_insert("a")
        >>> b.entry(h, 1).or_insert("b") == h
        True
        >>> b.items(h)
        [(1, 'a')]
        """
        return self._builder._put(self._h, self._key, value, None, replace=False)

    def or_insert_with(self, fn: Callable[[], Any]) -> Handle:
        """As ``or_insert``, with the value ``fn()``; ``fn`` runs only when the key is inserted.

        For a value that is costly to make. ``fn`` runs before any cell is made, so one that
        raises changes nothing; it must not call back into the builder.

        Complexity: O(1 + #{k in h : k > key}) time and cells, and one call of ``fn``; no cells
        and no call for a key already present.

        >>> b = ListBuilder()
        >>> h = b.entry(EMPTY, 1).or_insert_with(list)
        >>> b.entry(h, 1).or_insert_with(lambda: 1 / 0) == h
        True
        >>> b.items(h)
        [(1, [])]
        """
        return self._builder._put(self._h, self._key, None, fn, replace=False)

    def replace(self, value: Any) -> Handle:
        """The list with ``key`` mapped to ``value``; the input handle itself if it already is.

        Values are compared with ``==``: replacing a value with an equal one changes nothing.

        Complexity: O(1 + #{k in h : k > key}) time and cells; no cells when the stored value
        equals ``value``.

        >>> b = ListBuilder()
        >>> h = b.entry(EMPTY, 1).or_insert("a")
        >>> b.items(b.entry(h, 1).replace("b"))
        [(1, 'b')]
        >>> b.entry(h, 1).replace("a") == h
        True
        """
        return self._builder._put(self._h, self._key, value, None, replace=True)
