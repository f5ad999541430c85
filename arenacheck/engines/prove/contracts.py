"""Contracts that hold the bundled kernels to the model, and the helpers every contract shares.

Each public function here is an entry point for CrossHair (``arenacheck prove``, docs/proving.md):
its arguments are plain data that describe a *reachable* state — an arena written as columns,
a list of records, a program as a list of small tuples — so that symbolic execution explores
real states and not only a fresh, empty object. Its PEP 316 ``pre:`` lines say which inputs are
valid, and its ``post:`` lines state SPEC laws against the model. The ``*_diff`` pairs (``DIFFS``)
are what ``prove`` hands to CrossHair's behaviour diff: the same inputs through a kernel and
through the model must give equal results. The contracts on an implementation's *public*
operations, which need the implementation under proof, are ``public.py``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from arenacheck.callbacks import COMBINES
from arenacheck.errors import ConflictingRecord
from arenacheck.impl import kernels
from arenacheck.impl.kernels import well_formed  # noqa: F401 - the contracts below use it
from arenacheck.model import alist as model_alist
from arenacheck.model import intervals as model_intervals
from arenacheck.ops.alist.insert import OPERATION as INSERT
from arenacheck.ops.alist.intersect import OPERATION as INTERSECT
from arenacheck.ops.alist.replace import OPERATION as REPLACE
from arenacheck.ops.alist.union import OPERATION as UNION
from arenacheck.ops.intervals.build import OPERATION as BUILD
from arenacheck.ops.intervals.lookup import OPERATION as LOOKUP
from arenacheck.ops.intervals.record import OPERATION as RECORD
from arenacheck.structures import Op

#: Merges by number: 0 is the set form (keep the first value), then SPEC's combine forms.
FORMS: list[tuple[str | None, Callable[[Any, Any], Any] | None]] = [(None, None), *COMBINES.items()]

Entries = list[tuple[int, int]]


def combine_of(number: int) -> tuple[str | None, Callable[[int, int], int] | None]:
    """The merge form ``number`` stands for (0-6, else the set form). A chain of comparisons,
    not ``FORMS[number]``: indexing with a symbolic int makes CrossHair pick one concrete
    index, and it then never tries the others (docs/proving.md)."""
    for i, form in enumerate(FORMS):
        if number == i:
            return form
    return FORMS[0]


#: The bounds of symbolic inputs where a solver needs them (docs/proving.md): interval records use
#: indices below ``INDICES`` and scopes below ``SCOPES`` (every law is about order and equality,
#: not magnitude; the domain's edges are the stateful engine's), programs use keys and values in
#: ``SMALL``.
INDICES, SCOPES = 64, 4
SMALL = range(-4, 12)


# --- Arenas as data -----------------------------------------------------------------------------


def contents(keys: list[int], values: list[int], nxt: list[int], head: int) -> Entries:
    """The entries of the list at ``head``, ascending."""
    return kernels.walk(keys, values, nxt, head)[::-1]


def appended(
    keys: list[int], values: list[int], nxt: list[int], cells: kernels.NewCells | None
) -> tuple[list[int], list[int], list[int]]:
    """The arena after a kernel's new cells are appended."""
    if cells is None:
        return keys, values, nxt
    return keys + cells[1], values + cells[2], nxt + cells[3]


def result(head: int, cells: kernels.NewCells | None) -> int:
    return head if cells is None else cells[0]


def modelled(lists: list[Entries], call: Callable[..., Any]) -> tuple[Entries, bool, int]:
    """What the model does with ``lists`` (built by ascending inserts in one model builder):
    the result's entries, whether it is the first input itself, and the cells the allocation law
    gives it (the model allocates exactly the law's number, or its bound for merges)."""
    builder = model_alist.ListBuilder()
    handles = []
    for entries in lists:
        h = None
        for key, value in entries:
            h = builder.insert(h, key, value)
        handles.append(h)
    before = builder.cell_count
    out = call(builder, *handles)
    return builder.items(out), out == handles[0], builder.cell_count - before


def model_put(entries: Entries, key: int, value: int, replace: bool) -> tuple[Entries, bool, int]:
    def call(b: Any, h: Any) -> Any:
        entry = b.entry(h, key)
        return entry.replace(value) if replace else entry.or_insert(value)

    return modelled([entries], call)


def model_merge(a: Entries, b: Entries, combine: int, union: bool) -> tuple[Entries, int]:
    """The model's merge and the allocation law's bound for it."""
    kind, fn = "union" if union else "intersect", combine_of(combine)[1]

    def call(builder: Any, h1: Any, h2: Any) -> Any:
        if fn is None:
            return getattr(builder, kind)(h1, h2)
        return getattr(builder, kind + "_with")(h1, h2, fn)

    entries, _, cells = modelled([a, b], call)
    return entries, cells


# --- Kernel contracts: any well-formed arena of up to five cells --------------------------------


def put_law(
    keys: list[int],
    values: list[int],
    nxt: list[int],
    head: int,
    key: int,
    value: int,
    replace: bool,
) -> kernels.NewCells | None:
    """Insert or replace ``key`` in the list at ``head`` of any small well-formed arena.

    pre: len(keys) == len(values) == len(nxt) <= 5
    pre: well_formed(keys, nxt)
    pre: -1 <= head < len(keys)
    post: well_formed(*appended(keys, values, nxt, __return__)[::2])
    post: contents(*appended(keys, values, nxt, __return__), result(head, __return__)) == model_put(contents(keys, values, nxt, head), key, value, replace)[0]
    post: (__return__ is None) == model_put(contents(keys, values, nxt, head), key, value, replace)[1]
    post: (0 if __return__ is None else len(__return__[3])) == model_put(contents(keys, values, nxt, head), key, value, replace)[2]
    """
    return kernels.put(keys, values, nxt, head, key, value, None, replace)


def merge_law(
    keys: list[int],
    values: list[int],
    nxt: list[int],
    c1: int,
    c2: int,
    combine: int,
    union: bool,
) -> kernels.NewCells:
    """Intersect or unite two non-empty lists of any small well-formed arena.

    pre: len(keys) == len(values) == len(nxt) <= 5
    pre: well_formed(keys, nxt)
    pre: 0 <= c1 < len(keys) and 0 <= c2 < len(keys)
    pre: 0 <= combine < 7
    post: well_formed(*appended(keys, values, nxt, __return__)[::2])
    post: contents(*appended(keys, values, nxt, __return__), __return__[0]) == model_merge(contents(keys, values, nxt, c1), contents(keys, values, nxt, c2), combine, union)[0]
    post: len(__return__[3]) <= model_merge(contents(keys, values, nxt, c1), contents(keys, values, nxt, c2), combine, union)[1]
    """
    return kernels.merge(keys, values, nxt, c1, c2, combine_of(combine)[1], union)


# --- Interval kernels ---------------------------------------------------------------------------


def packed(records: list[tuple[int, int]]) -> list[int]:
    return sorted(index << 32 | scope for index, scope in records)


def model_ranges(records: list[tuple[int, int]]) -> list[tuple[int, int, int]] | tuple[int, ...]:
    """The model's ranges, or the (index, first, second) its ``ConflictingRecord`` names."""
    try:
        return model_intervals.coalesced(model_intervals.scope_of(records))
    except ConflictingRecord as err:
        return (err.index, *err.scopes)


def ranges_of(found: tuple[list[int], list[int], list[int]] | kernels.ConflictAt) -> Any:
    if isinstance(found, kernels.ConflictAt):
        return tuple(found)
    return list(zip(*found, strict=True))


def small(records: list[tuple[int, int]]) -> bool:
    """Records a solver can handle: indices below ``INDICES``, scopes below ``SCOPES``."""
    return all(0 <= i < INDICES and 0 <= s < SCOPES for i, s in records)


def coalesce_law(
    records: list[tuple[int, int]],
) -> tuple[list[int], list[int], list[int]] | kernels.ConflictAt:
    """Records in any order, repeated or clashing, become the model's ranges (SPEC §3.1 law 3)
    or its conflict (§3.2).

    pre: len(records) <= 6 and small(records)
    post: ranges_of(__return__) == model_ranges(records)
    """
    return kernels.coalesce(packed(records))


def find_law(records: list[tuple[int, int]], index: int) -> int | None:
    """The range lookup answers the lookup law for any index in the domain (SPEC §3.1 1-2):
    distinct indices (repeats and clashes are ``coalesce_law``'s).

    pre: len(records) <= 5 and small(records) and 0 <= index <= INDICES
    pre: len({i for i, _ in records}) == len(records)
    post: __return__ == model_intervals.lookup(dict(records), sorted(dict(records)), index)
    """
    found = kernels.coalesce(packed(records))
    assert not isinstance(found, kernels.ConflictAt)  # distinct indices cannot clash
    return kernels.find(*found, index)


# --- Programs as data: valid programs from any small ints ---------------------------------------


def clamp(x: int, lo: int, hi: int) -> int:
    """``x`` moved into ``[lo, hi]``: how the program entry points make any input valid. Two
    comparisons, which a solver handles far better than ``%`` (docs/proving.md)."""
    return lo if x < lo else hi if x > hi else x


def alist_ops(steps: list[tuple[int, int, int, int]]) -> list[Op]:
    """A valid program from any four-int steps ``(kind, a, b, c)``: an insert, a replace, an
    intersection or a union (``kind`` 0-3) of earlier variables ``a`` (and ``b``), with key
    ``b`` and value ``c`` in ``SMALL``, or combine number ``c`` (0-6); each moved into range."""
    ops: list[Op] = []
    for defined, (kind, a, b, c) in enumerate(steps):
        src, kind = clamp(a, 0, defined), clamp(kind, 0, 3)
        if kind < 2:
            key, value = (
                clamp(b, SMALL.start, SMALL.stop - 1),
                clamp(c, SMALL.start, SMALL.stop - 1),
            )
            ops.append((INSERT, REPLACE)[kind].line(src=src, key=key, value=value))
            continue
        op = (INTERSECT, UNION)[kind - 2].line(a=src, b=clamp(b, 0, defined))
        combine = combine_of(c)[0]
        if combine is not None:
            op["combine"] = combine
        ops.append(op)
    return ops


def intervals_ops(records: list[tuple[int, int]], lookups: list[int]) -> list[Op]:
    """Records, a build, and lookups unless the build fails."""
    ops: list[Op] = [RECORD.line(index=i, scope=s) for i, s in records]
    ops.append(BUILD.line())
    if isinstance(model_ranges(records), list):
        ops += [LOOKUP.line(index=index) for index in lookups]
    return ops


# --- Behaviour diffs: an implementation against the model, on valid inputs ----------------------


def _entries(pairs: list[tuple[int, int]]) -> Entries:
    """Valid list contents from any pairs: keys made unique, in order."""
    return sorted(dict(pairs).items())


def _arena(entries: Entries) -> tuple[list[int], list[int], list[int], int]:
    """A one-list arena holding ``entries``, built as ascending inserts build it."""
    keys = [k for k, _ in entries]
    values = [v for _, v in entries]
    return keys, values, [i - 1 for i in range(len(entries))], len(entries) - 1


def impl_put(pairs: list[tuple[int, int]], key: int, value: int, replace: bool) -> Any:
    keys, values, nxt, head = _arena(_entries(pairs))
    cells = kernels.put(keys, values, nxt, head, key, value, None, replace)
    after = appended(keys, values, nxt, cells)
    return contents(*after, result(head, cells)), cells is None, len(cells[3]) if cells else 0


def model_put_diff(pairs: list[tuple[int, int]], key: int, value: int, replace: bool) -> Any:
    return model_put(_entries(pairs), key, value, replace)


def impl_merge(
    a: list[tuple[int, int]], b: list[tuple[int, int]], combine: int, union: bool
) -> Any:
    """Two lists in one arena (the second's cells after the first's), merged by the kernel."""
    first, second = _entries(a), _entries(b)
    if not first or not second:
        return list(first or second) if union else []
    k1, v1, n1, h1 = _arena(first)
    k2, v2, n2, h2 = _arena(second)
    keys, values = k1 + k2, v1 + v2
    nxt = n1 + [n + len(k1) if n >= 0 else n for n in n2]
    fn = combine_of(combine)[1]
    cells = kernels.merge(keys, values, nxt, h1, h2 + len(k1), fn, union)
    return contents(*appended(keys, values, nxt, cells), cells[0])


def model_merge_diff(
    a: list[tuple[int, int]], b: list[tuple[int, int]], combine: int, union: bool
) -> Any:
    return model_merge(_entries(a), _entries(b), combine, union)[0]


def _valid(records: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(clamp(i, 0, INDICES - 1), clamp(s, 0, SCOPES - 1)) for i, s in records]


def impl_ranges(records: list[tuple[int, int]]) -> Any:
    return ranges_of(kernels.coalesce(packed(_valid(records))))


def model_ranges_diff(records: list[tuple[int, int]]) -> Any:
    return model_ranges(_valid(records))


def impl_lookup(records: list[tuple[int, int]], index: int) -> Any:
    found = kernels.coalesce(packed(_valid(records)))
    if isinstance(found, kernels.ConflictAt):
        return None
    return kernels.find(*found, clamp(index, 0, INDICES))


def model_lookup_diff(records: list[tuple[int, int]], index: int) -> Any:
    if isinstance(model_ranges(_valid(records)), tuple):
        return None
    scopes = model_intervals.scope_of(_valid(records))
    return model_intervals.lookup(scopes, sorted(scopes), clamp(index, 0, INDICES))


#: What ``prove`` diffs: (kernel side, model side, what it compares).
DIFFS: list[tuple[Callable[..., Any], Callable[..., Any], str]] = [
    (impl_put, model_put_diff, "insert / replace: contents, identity, cells"),
    (impl_merge, model_merge_diff, "intersect / union, every combine: contents"),
    (impl_ranges, model_ranges_diff, "build: ranges or the conflict"),
    (impl_lookup, model_lookup_diff, "lookup of any index"),
]
