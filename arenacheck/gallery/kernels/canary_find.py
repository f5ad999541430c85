"""The canary of ``arenacheck prove``: a copy of the range lookup kernel with a planted bug, under
the same contract as the real one. A prove run that does not refute it explored nothing.

The bug: off by one at a range's end, so the index just after a range still gets its scope."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from arenacheck.engines.prove.contracts import INDICES, packed, small  # noqa: F401 - the contract uses them
from arenacheck.impl import kernels
from arenacheck.model import intervals as model_intervals  # noqa: F401 - the contract uses it


def find(
    starts: Sequence[int], ends: Sequence[int], scopes: Sequence[int], index: int
) -> int | None:
    r = bisect_right(starts, index) - 1
    if r >= 0 and index <= ends[r] + 1:  # the bug: ``index <= ends[r]``
        return scopes[r]
    return None


def canary_find_law(records: list[tuple[int, int]], index: int) -> int | None:
    """The contract of ``contracts.find_law``, on the broken copy.

    pre: len(records) <= 5 and small(records) and 0 <= index <= INDICES
    pre: len({i for i, _ in records}) == len(records)
    post: __return__ == model_intervals.lookup(dict(records), sorted(dict(records)), index)
    """
    found = kernels.coalesce(packed(records))
    assert not isinstance(found, kernels.ConflictAt)  # distinct indices cannot clash
    return find(*found, index)
