"""The arena algorithms as pure functions: plain data in, the cells to append out.

The classes in ``alist.py`` and ``intervals.py`` are thin wrappers around these kernels: they own
the columns, check handles and builder state, guard callbacks, and append what a kernel returns.
A kernel never mutates its inputs, so CrossHair can run it symbolically on any arena written as
data (``arenacheck prove``, docs/proving.md) and a test can call it without a builder.

An *arena* is three parallel sequences indexed by cell: ``keys``, ``values`` (``None`` when every
value is ``None``) and ``nxt``, the next cell down a chain or ``END``. A list is its head cell,
the cell with the largest key; every chain runs strictly downwards in key, and a cell only ever
points at an older cell, so two lists share the cells of their common ancestor as a tail.

The contracts below (PEP 316) are the structural ones, which need nothing but the kernel; the
contracts that compare kernels with the model live in ``arenacheck.contracts``. Keys are typed
``int``, the keys the contracts are checked on; the kernels only compare keys, so any mutually
comparable keys work (the runner's foreign-key operations check the rest).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeAlias

END = -1  # the ``nxt`` of a chain's last cell, and the head of the empty list

_LOW = 2**32 - 1


#: A kernel's result: ``(head, keys, values, nexts)``, the cells to append, in order, and the
#: result's head. The i-th new cell gets index ``len(nxt) + i`` and points at an older cell or
#: an earlier new one, so appending them keeps the arena well formed. ``head`` may be an old
#: cell (a result that shares everything) or ``END`` (an empty result). A plain tuple: this is
#: the hot path of every insert.
NewCells: TypeAlias = tuple[int, list[Any], list[Any], list[int]]


def well_formed(keys: Sequence[int], nxt: Sequence[int]) -> bool:
    """An arena a builder can make (the kernels' precondition): parallel int columns, each cell
    pointing at an older cell with a smaller key, so every chain falls and ends."""
    return len(keys) == len(nxt) and all(
        type(k) is int and type(n) is int and -1 <= n < i and (n < 0 or keys[n] < k)
        for i, (k, n) in enumerate(zip(keys, nxt, strict=True))
    )


def value_at(values: Sequence[Any] | None, cell: int) -> Any:
    """The value of ``cell``; a column of ``None`` is not stored at all."""
    return None if values is None else values[cell]


def same(stored: Any, value: Any) -> bool:
    """Values are compared by equality, as the model compares them (SPEC: ``replace`` with an
    equal value is a no-op); not by identity first, which would make a NaN equal to itself."""
    return bool(stored == value)


def kept(stored: Any, value: Any) -> bool:
    """Whether a merge's result ``value`` is what a cell holding ``stored`` already holds: the
    very object, or an equal int, float or string — never an equal value of another type
    (SPEC §2: ``1`` where the model holds ``True`` is wrong) or a container equal to it but
    not element by element of the same types."""
    return stored is value or (
        type(stored) is type(value) and type(value) in (int, float, str) and bool(stored == value)
    )


def walk(
    keys: Sequence[int], values: Sequence[Any] | None, nxt: Sequence[int], cell: int
) -> list[tuple[Any, Any]]:
    """The entries of the chain from ``cell``, in its own (descending) order.

    pre: well_formed(keys, nxt) and (values is None or len(values) == len(keys))
    pre: -1 <= cell < len(keys)
    post: all(a[0] > b[0] for a, b in zip(__return__, __return__[1:]))
    """
    out: list[tuple[Any, Any]] = []
    while cell >= 0:
        out.append((keys[cell], None if values is None else values[cell]))
        cell = nxt[cell]
    return out


def locate(keys: Sequence[int], nxt: Sequence[int], cell: int, key: int) -> tuple[list[int], int]:
    """Walk down from ``cell`` past every key greater than ``key``: those cells (top down: an
    insert must copy them) and the first cell whose key is not greater (``END`` if none).

    pre: well_formed(keys, nxt) and -1 <= cell < len(keys) and type(key) is int
    post: all(keys[c] > key for c in __return__[0])
    post: __return__[1] == END or keys[__return__[1]] <= key
    """
    above: list[int] = []
    while cell >= 0 and key < keys[cell]:
        above.append(cell)
        cell = nxt[cell]
    return above, cell


def put(
    keys: Sequence[int],
    values: Sequence[Any] | None,
    nxt: Sequence[int],
    head: int,
    key: int,
    value: Any,
    make: Callable[[], Any] | None,
    replace: bool,
    equal: Callable[[Any, Any], bool] = same,
) -> NewCells | None:
    """Insert (or with ``replace``, replace) ``key`` in the list at ``head``: one new cell for the
    key on the rest of the chain, then a copy of every cell above it, bottom up (SPEC §2.1 law 5:
    exactly ``1 + #{k > key}`` cells). ``None``: nothing to do, the input list is the result.
    ``make`` (an ``or_insert_with`` callback) makes the value, only if the key is inserted;
    ``equal`` tells whether a replace changes nothing.

    pre: well_formed(keys, nxt) and (values is None or len(values) == len(keys))
    pre: -1 <= head < len(keys) and type(key) is int
    post: __return__ is None or len(__return__[1]) == len(__return__[3]) >= 1
    post: __return__ is None or well_formed([*keys, *__return__[1]], [*nxt, *__return__[3]])
    post: __return__ is None or __return__[0] == len(nxt) + len(__return__[3]) - 1
    """
    above, cell = locate(keys, nxt, head, key)
    present = cell >= 0 and keys[cell] == key
    if present and not replace:
        return None
    if make is not None:
        value = make()
    if present:
        if equal(value_at(values, cell), value):
            return None
        cell = nxt[cell]
    base = len(nxt)
    if not above:  # above every key: the common case, one cell
        return base, [key], [value], [cell]
    above.reverse()
    return (
        base + len(above),
        [key, *[keys[c] for c in above]],
        [value, *[value_at(values, c) for c in above]],
        [cell, *range(base, base + len(above))],
    )


def merge(
    keys: Sequence[int],
    values: Sequence[Any] | None,
    nxt: Sequence[int],
    c1: int,
    c2: int,
    combine: Callable[[Any, Any], Any] | None,
    union: bool,
    equal: Callable[[Any, Any], bool] = kept,
) -> NewCells:
    """Intersect (or with ``union``, unite) the lists at ``c1`` and ``c2``: zip both chains from
    the top, then build the result bottom up on the tail it can share. ``combine`` (``None``: keep
    the first value) is called once per common key, before any cell is made.

    A tail is shared whole where both chains reach the same cell (set forms only: a combine may
    change the values), or, for a union, where one chain runs out (the rest of the other holds
    the keys below both minimums: SPEC §2.1 law 5). A result entry whose input cell already holds
    it on the same rest is that cell, not a copy (``equal``: ``kept``).

    pre: well_formed(keys, nxt) and (values is None or len(values) == len(keys))
    pre: 0 <= c1 < len(keys) and 0 <= c2 < len(keys)
    post: len(__return__[1]) == len(__return__[2]) == len(__return__[3])
    post: well_formed([*keys, *__return__[1]], [*nxt, *__return__[3]])
    """
    out_keys: list[Any] = []
    out_values: list[Any] = []
    reusable: list[int] = []  # a cell holding this entry's key and value, or END
    while c1 >= 0 and c2 >= 0:
        if c1 == c2 and combine is None:
            break  # a common tail: set forms share it whole
        k1, k2 = keys[c1], keys[c2]
        if k2 < k1:  # the greater key is in the first list only
            only, c1 = c1, nxt[c1]
        elif k1 < k2:  # ... in the second list only
            only, c2 = c2, nxt[c2]
        else:  # in both
            v1 = value_at(values, c1)
            v = v1 if combine is None else combine(v1, value_at(values, c2))
            out_keys.append(k1)
            out_values.append(v)
            reusable.append(c1 if equal(v1, v) else c2 if equal(value_at(values, c2), v) else END)
            c1, c2 = nxt[c1], nxt[c2]
            continue
        if union:
            out_keys.append(keys[only])
            out_values.append(value_at(values, only))
            reusable.append(only)
    if c1 == c2:
        tail = c1  # a tail both inputs share (or both ran out)
    elif union:
        tail = c1 if c1 >= 0 else c2  # the rest of one input: keys below both minimums
    else:
        tail = END
    new_keys: list[Any] = []
    new_values: list[Any] = []
    new_next: list[int] = []
    base = len(nxt)
    while out_keys:
        cell = reusable.pop()
        key, value = out_keys.pop(), out_values.pop()
        if cell >= 0 and nxt[cell] == tail:
            tail = cell  # this entry, on this rest, exists already
        else:
            new_keys.append(key)
            new_values.append(value)
            new_next.append(tail)
            tail = base + len(new_next) - 1
    return tail, new_keys, new_values, new_next


# --- Interval map -------------------------------------------------------------------------------


class ConflictAt(NamedTuple):
    """Two scopes recorded for one index (the smallest such index, its two smallest scopes)."""

    at: int
    first: int
    second: int


def coalesce(packed: Sequence[int]) -> tuple[list[int], list[int], list[int]] | ConflictAt:
    """Sorted packed records (``index << 32 | scope``) -> range starts, ends and scopes.

    A run of records with one scope becomes one range, gaps between its indices included; the
    same record twice counts once. Sorting packs equal indices together ordered by scope, so the
    first clash met is at the smallest index with its two smallest scopes.

    pre: list(packed) == sorted(packed) and all(0 <= r < 2**64 for r in packed)
    post: isinstance(__return__, ConflictAt) or len({len(column) for column in __return__}) == 1
    post: isinstance(__return__, ConflictAt) or all(e < s for e, s in zip(__return__[1], __return__[0][1:]))
    """
    starts: list[int] = []
    ends: list[int] = []
    scopes: list[int] = []
    last = current = -1  # the previous record's index, and the scope of the range it is in
    for record in packed:
        index = record >> 32
        scope = record & _LOW
        if index == last:
            if scope == current:
                continue  # the same record again
            return ConflictAt(index, current, scope)
        if scope != current:  # a new range; the one before it ended at the previous record
            if starts:
                ends.append(last)
            starts.append(index)
            scopes.append(scope)
            current = scope
        last = index
    if starts:
        ends.append(last)
    return starts, ends, scopes


def find(
    starts: Sequence[int], ends: Sequence[int], scopes: Sequence[int], index: int
) -> int | None:
    """The scope of the range holding ``index`` (an int in the domain), or ``None``: a binary
    search for the last range starting at or before it.

    pre: len(starts) == len(ends) == len(scopes) and all(a < b for a, b in zip(starts, starts[1:]))
    post: __return__ is None or __return__ in scopes
    """
    r = bisect_right(starts, index) - 1
    if r >= 0 and index <= ends[r]:
        return scopes[r]
    return None
