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
        scope = self.get(index)
        if scope is None:
            raise KeyError(index)
        return int(scope)

    def __contains__(self, index: object) -> bool:
        return self.get(index) is not None

    def __len__(self) -> int:
        return len(self._starts)

    def intervals(self) -> list[tuple[int, int, int]]:
        return list(zip(self._starts, self._ends, self._scopes, strict=True))


class IntervalMapBuilder:
    """Collects records cheaply; all checking and sorting happens once, in ``build()``."""

    __slots__ = ("_finished", "_records")

    def __init__(self) -> None:
        self._records = array("Q")
        self._finished = False

    def record(self, index: int, scope: int) -> None:
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
        if self._finished:
            raise BuilderFinished("IntervalMapBuilder")
        ranges = coalesce(sorted(self._records))
        if isinstance(ranges, ConflictAt):
            raise ConflictingRecord(*ranges)
        self._finished = True
        self._records = array("Q")  # a kept builder must not hold O(records) memory (§3.1 law 5)
        return IntervalMap(*(array("I", column) for column in ranges))
