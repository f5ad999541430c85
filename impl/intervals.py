"""The scopes-by-expression interval map (SPEC §3): the optimized implementation.

Recording appends one packed 64-bit integer, ``index << 32 | scope``, to an ``array('Q')``: 8 bytes
a record and no per-record objects. ``build()`` sorts the packed records once (Timsort is close to
linear on the mostly sorted input a semantic-index builder produces, and the packing makes equal
indices adjacent, ordered by scope), rejects an index with two scopes, and coalesces runs of equal
scope into three ``array('I')`` columns: range starts, range ends and scopes. ``get`` is one binary
search over the starts.
"""

from __future__ import annotations

from array import array
from typing import Any

from arenacheck.errors import BuilderFinished, ConflictingRecord
from arenacheck.impl.kernels import ConflictAt, coalesce, find

_DOMAIN = 2**32
_TOP = _DOMAIN - 1


def _u32(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {value!r}")
    if not 0 <= value < _DOMAIN:
        raise ValueError(f"{name} {value!r} is outside [0, 2**32)")
    return int(value)


class IntervalMap:
    """Inclusive ranges of node indices, each mapped to one scope."""

    __slots__ = ("_ends", "_scopes", "_starts")

    def __init__(self, starts: array[int], ends: array[int], scopes: array[int]) -> None:
        self._starts, self._ends, self._scopes = starts, ends, scopes

    def get(self, index: object, default: Any = None) -> Any:
        """The scope of ``index``, or ``default`` where the lookup laws give none.

        A bool, a non-int or an int outside ``[0, 2**32)`` answers ``default`` rather than
        raising; an int in the domain costs one binary search over the range starts.

        Complexity: O(log ranges) time.

        >>> ib = IntervalMapBuilder()
        >>> for index, scope in [(1, 7), (3, 7), (5, 9)]:
        ...     ib.record(index, scope)
        >>> m = ib.build()
        >>> m.get(2), m.get(4), m.get(4, -1), m.get(True)
        (7, None, -1, None)
        """
        if type(index) is not int:  # the common case skips these checks
            if not isinstance(index, int) or isinstance(index, bool):
                return default
            index = int(index)
        if 0 <= index <= _TOP:
            scope = find(self._starts, self._ends, self._scopes, index)
            if scope is not None:
                return scope
        return default

    def __getitem__(self, index: object) -> int:
        """The scope of ``index``; ``KeyError`` where ``get`` answers the default.

        Complexity: O(log ranges) time.

        >>> ib = IntervalMapBuilder()
        >>> ib.record(1, 7)
        >>> m = ib.build()
        >>> m[1]
        7
        >>> m[2]
        Traceback (most recent call last):
          ...
        KeyError: 2
        """
        scope = self.get(index)
        if scope is None:
            raise KeyError(index)
        return int(scope)

    def __contains__(self, index: object) -> bool:
        """Whether ``get`` finds a scope for ``index``.

        Complexity: O(log ranges) time.

        >>> ib = IntervalMapBuilder()
        >>> ib.record(1, 7)
        >>> m = ib.build()
        >>> 1 in m, 2 in m
        (True, False)
        """
        return self.get(index) is not None

    def __len__(self) -> int:
        """The number of ranges, not of records: what the map's memory grows with.

        Complexity: O(1).

        >>> ib = IntervalMapBuilder()
        >>> for index in range(1, 6):
        ...     ib.record(index, 7)
        >>> len(ib.build())
        1
        """
        return len(self._starts)

    def intervals(self) -> list[tuple[int, int, int]]:
        """The ranges as ``(start, end, scope)`` triples, ascending, both ends inclusive.

        Complexity: O(ranges) time.

        >>> ib = IntervalMapBuilder()
        >>> for index, scope in [(5, 9), (1, 7), (3, 7)]:
        ...     ib.record(index, scope)
        >>> ib.build().intervals()
        [(1, 3, 7), (5, 5, 9)]
        """
        return list(zip(self._starts, self._ends, self._scopes, strict=True))


class IntervalMapBuilder:
    """Collects records cheaply; all checking and sorting happens once, in ``build()``."""

    __slots__ = ("_finished", "_records")

    def __init__(self) -> None:
        self._records = array("Q")
        self._finished = False

    def record(self, index: int, scope: int) -> None:
        """Record that node ``index`` lies in scope ``scope``: each an int in ``[0, 2**32)``.

        One packed append, 8 bytes a record; conflicts wait for ``build()``. A non-int or a bool
        raises ``TypeError``, an int out of range ``ValueError``, and nothing is recorded.

        Complexity: amortized O(1).

        >>> ib = IntervalMapBuilder()
        >>> ib.record(3, 1)
        >>> ib.record(-1, 1)
        Traceback (most recent call last):
          ...
        ValueError: index -1 is outside [0, 2**32)
        >>> ib.build().intervals()
        [(3, 3, 1)]
        """
        # The hot path: two exact ints in the domain, one chained comparison. Anything else (a
        # bool, an int subclass, a value out of range, a finished builder) takes ``_record``,
        # which raises what SPEC §3.2 says or records the int values.
        if (
            type(index) is int is type(scope)
            and 0 <= index <= _TOP >= scope >= 0
            and not self._finished
        ):
            self._records.append(index << 32 | scope)
        else:
            self._record(index, scope)

    def _record(self, index: object, scope: object) -> None:
        if self._finished:
            raise BuilderFinished("IntervalMapBuilder")
        self._records.append(_u32("index", index) << 32 | _u32("scope", scope))

    def build(self) -> IntervalMap:
        """Sort the records once and coalesce runs of equal scope into ranges: the built map.

        Timsort is close to linear on the mostly sorted records a semantic index makes. An index
        recorded with two scopes raises ``ConflictingRecord`` and leaves the builder open and
        unchanged; on success the builder drops its records, so a kept builder holds no
        O(records) memory.

        Complexity: O(n log n) time for n records, close to O(n) on mostly sorted records; the
        map holds O(ranges) memory.

        >>> ib = IntervalMapBuilder()
        >>> for index, scope in [(4, 2), (1, 1), (2, 1), (2, 1)]:
        ...     ib.record(index, scope)
        >>> ib.build().intervals()
        [(1, 2, 1), (4, 4, 2)]
        >>> clash = IntervalMapBuilder()
        >>> clash.record(1, 1)
        >>> clash.record(1, 2)
        >>> clash.build()
        Traceback (most recent call last):
          ...
        arenacheck.errors.ConflictingRecord: index 1 recorded with two scopes: 1 and 2
        """
        if self._finished:
            raise BuilderFinished("IntervalMapBuilder")
        ranges = coalesce(sorted(self._records))
        if isinstance(ranges, ConflictAt):
            raise ConflictingRecord(*ranges)
        self._finished = True
        self._records = array("Q")  # a kept builder must not hold O(records) memory (§3.1 law 5)
        return IntervalMap(*(array("I", column) for column in ranges))
