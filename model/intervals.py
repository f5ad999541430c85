"""Reference model of the scopes-by-expression interval map (SPEC §3): the executable spec.

Records are kept as given; ``build()`` turns them into a dict, and every read is answered from
that dict by the lookup law itself, with no ranges and no search structure. ``intervals()``
coalesces the dict in the most direct way, so the runner can hold an implementation's ranges to it.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from arenacheck.errors import BuilderFinished, ConflictingRecord

DOMAIN = 2**32


def in_domain(value: object) -> bool:
    """True for an ``int`` (not a ``bool``) in ``[0, 2**32)``.

    Complexity: O(1).

    >>> in_domain(0), in_domain(2**32), in_domain(True)
    (True, False, False)
    """
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < DOMAIN


def check_u32(name: str, value: object) -> int:
    """``value`` if it may be recorded, else the ``TypeError`` or ``ValueError`` of SPEC §3.2.

    Complexity: O(1).

    >>> check_u32("index", 7)
    7
    >>> check_u32("index", True)
    Traceback (most recent call last):
      ...
    TypeError: index must be an int, not True
    """
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {value!r}")
    if not 0 <= value < DOMAIN:
        raise ValueError(f"{name} {value!r} is outside [0, 2**32)")
    return int(value)


def scope_of(records: list[tuple[int, int]]) -> dict[int, int]:
    """Each recorded index's one scope.

    ``ConflictingRecord`` (the smallest such index, its two smallest scopes) if an index was
    recorded with two.

    Complexity: O(n) time for n records, and a sort of the conflicting indices.

    >>> scope_of([(2, 7), (1, 7), (2, 7)])
    {2: 7, 1: 7}
    >>> scope_of([(1, 8), (1, 7)])
    Traceback (most recent call last):
      ...
    arenacheck.errors.ConflictingRecord: index 1 recorded with two scopes: 7 and 8
    """
    scopes_of: dict[int, set[int]] = {}
    for index, scope in records:
        scopes_of.setdefault(index, set()).add(scope)
    conflicts = sorted(i for i, scopes in scopes_of.items() if len(scopes) > 1)
    if conflicts:
        first, second = sorted(scopes_of[conflicts[0]])[:2]
        raise ConflictingRecord(conflicts[0], first, second)
    return {index: min(scopes) for index, scopes in scopes_of.items()}  # the one scope


def lookup(scopes: dict[int, int], indices: list[int], index: object, default: Any = None) -> Any:
    """The lookup law (SPEC §3.1 laws 1-2) over the recorded ``scopes``.

    ``indices`` is ``sorted(scopes)``.

    Complexity: O(log n) time for n recorded indices: one bisection.

    >>> scopes = {1: 7, 3: 7, 5: 9}
    >>> [lookup(scopes, [1, 3, 5], i) for i in (1, 2, 4, 6)]
    [7, 7, None, None]
    """
    if not in_domain(index):
        return default
    assert isinstance(index, int)
    if index in scopes:
        return scopes[index]
    # p: the greatest recorded index below, q: the least above (SPEC §3.1 law 2).
    position = bisect_left(indices, index)
    if 0 < position < len(indices):
        p, q = indices[position - 1], indices[position]
        if scopes[p] == scopes[q]:
            return scopes[p]
    return default


def coalesced(scopes: dict[int, int]) -> list[tuple[int, int, int]]:
    """The ranges of SPEC §3.1 law 3: runs of equal scope along the sorted records.

    Complexity: O(n log n) time for n recorded indices: one sort.

    >>> coalesced({5: 9, 1: 7, 3: 7})
    [(1, 3, 7), (5, 5, 9)]
    """
    ranges: list[tuple[int, int, int]] = []
    for index, scope in sorted(scopes.items()):
        if ranges and ranges[-1][2] == scope:
            ranges[-1] = (ranges[-1][0], index, scope)
        else:
            ranges.append((index, index, scope))
    return ranges


class IntervalMap:
    """Node index -> scope, answered by the lookup law over the recorded pairs."""

    def __init__(self, scopes: dict[int, int]) -> None:
        self._scopes = scopes
        self._indices = sorted(scopes)

    def get(self, index: object, default: Any = None) -> Any:
        """The scope of ``index`` by the lookup law, or ``default``.

        Complexity: O(log n) time for n recorded indices (``lookup``).

        >>> ib = IntervalMapBuilder()
        >>> ib.record(1, 7); ib.record(3, 7); ib.record(5, 9)
        >>> m = ib.build()
        >>> m.get(2), m.get(4), m.get(4, -1), m.get(True)
        (7, None, -1, None)
        """
        return lookup(self._scopes, self._indices, index, default)

    def __getitem__(self, index: object) -> int:
        """The scope of ``index``; ``KeyError`` where ``get`` answers the default.

        Complexity: O(log n) time for n recorded indices.

        >>> ib = IntervalMapBuilder()
        >>> ib.record(1, 7)
        >>> ib.build()[1]
        7
        """
        missing = object()
        scope = self.get(index, missing)
        if scope is missing:
            raise KeyError(index)
        assert isinstance(scope, int)
        return scope

    def __contains__(self, index: object) -> bool:
        """Whether ``get`` finds a scope for ``index``.

        Complexity: O(log n) time for n recorded indices.

        >>> ib = IntervalMapBuilder()
        >>> ib.record(1, 7)
        >>> m = ib.build()
        >>> 1 in m, 2 in m
        (True, False)
        """
        missing = object()
        return self.get(index, missing) is not missing

    def __len__(self) -> int:
        """The number of ranges, coalesced afresh.

        Complexity: O(n log n) time for n recorded indices (``coalesced``).

        >>> ib = IntervalMapBuilder()
        >>> ib.record(1, 7); ib.record(3, 7); ib.record(5, 9)
        >>> len(ib.build())
        2
        """
        return len(self.intervals())

    def intervals(self) -> list[tuple[int, int, int]]:
        """The ranges as ``(start, end, scope)`` triples, ascending, both ends inclusive.

        Complexity: O(n log n) time for n recorded indices (``coalesced``).

        >>> ib = IntervalMapBuilder()
        >>> ib.record(5, 9); ib.record(1, 7); ib.record(3, 7)
        >>> ib.build().intervals()
        [(1, 3, 7), (5, 5, 9)]
        """
        return coalesced(self._scopes)


class IntervalMapBuilder:
    """Collects ``(index, scope)`` records in any order; ``build()`` checks them once."""

    def __init__(self) -> None:
        self._records: list[tuple[int, int]] = []
        self._finished = False

    def record(self, index: int, scope: int) -> None:
        """Record that node ``index`` lies in scope ``scope``, each checked by ``check_u32``.

        Complexity: amortized O(1).

        >>> ib = IntervalMapBuilder()
        >>> ib.record(3, 1)
        >>> ib.build().intervals()
        [(3, 3, 1)]
        """
        if self._finished:
            raise BuilderFinished("IntervalMapBuilder")
        self._records.append((check_u32("index", index), check_u32("scope", scope)))

    def build(self) -> IntervalMap:
        """The map of the records (``scope_of``); a conflict leaves the builder open.

        Complexity: O(n log n) time for n records (sorting the indices), close to O(n) on mostly
        sorted records.

        >>> ib = IntervalMapBuilder()
        >>> ib.record(2, 1); ib.record(1, 1)
        >>> ib.build().intervals()
        [(1, 2, 1)]
        """
        if self._finished:
            raise BuilderFinished("IntervalMapBuilder")
        scopes = scope_of(self._records)
        self._finished = True
        return IntervalMap(scopes)
