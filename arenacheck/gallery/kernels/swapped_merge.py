"""A merge kernel that calls ``combine(second, first)``: refuted by ``contracts.merge_law``."""

from __future__ import annotations

from typing import Any

from arenacheck.impl import kernels

KERNEL = "merge"
LAW = "merge_law"
CONDITION = "contents("  # the postcondition that refutes it
_merge = kernels.merge


def merge(
    keys: Any,
    values: Any,
    nxt: Any,
    c1: int,
    c2: int,
    combine: Any,
    union: bool,
    equal: Any = kernels.kept,
) -> Any:
    swapped = None if combine is None else (lambda a, b: combine(b, a))  # the bug
    return _merge(keys, values, nxt, c1, c2, swapped, union, equal)
