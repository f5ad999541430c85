"""Typed columns (``array('q')``/``array('i')``) against plain lists for the alist arena.

Run: ``.venv/bin/python bench/columns.py`` (``make bench-columns``). Both variants are the bundled
implementation; the list variant only starts its key and value columns as ``list``. Each workload
runs alternately for both, several times; the table shows medians and the list/array ratio.
Retained memory is measured with tracemalloc and does not depend on machine noise.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from typing import Any

from arenacheck.impl import ListBuilder

REPEATS = 7
N = 100_000


class ListColumns(ListBuilder):
    """The same arena with list key and value columns from the start."""

    def __init__(self) -> None:
        super().__init__()
        self._keys = []
        self._values = []


def in_order(cls: type[ListBuilder]) -> Any:
    b, h = cls(), None
    for key in range(N):
        h = b.insert(h, key, key)
    return b, h


def flow(cls: type[ListBuilder]) -> Any:
    """Short lists grown from common ancestors and intersected at joins (ty's access pattern)."""
    b = cls()
    base = None
    for key in range(0, 1000, 3):
        base = b.insert(base, key, 1)
        left = b.insert(b.insert(base, key + 1, 2), key + 2, 3)
        right = b.insert(base, key + 2, 3)
        b.intersect(left, right)
        b.union_with(left, right, max)
    return b, base


def read_back(cls: type[ListBuilder]) -> Any:
    b, h = in_order(cls)
    return [b.items(h) for _ in range(5)]


WORKLOADS: dict[str, Callable[[type[ListBuilder]], Any]] = {
    f"{N:,} in-order inserts": in_order,
    "flow: insert/intersect/union": flow,
    f"5 x items() of {N:,} entries": read_back,
}


def seconds(work: Callable[[], Any]) -> float:
    gc.collect()
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def retained_bytes(cls: type[ListBuilder]) -> float:
    gc.collect()
    tracemalloc.start()
    b, _ = in_order(cls)
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return size / b.cell_count


def main() -> None:
    variants = {"array columns": ListBuilder, "list columns": ListColumns}
    print(f"{'workload':<32} {'array (ms)':>11} {'list (ms)':>11} {'list/array':>11}")
    for name, work in WORKLOADS.items():
        times: dict[str, list[float]] = {v: [] for v in variants}
        for _ in range(REPEATS):
            for variant, cls in variants.items():
                times[variant].append(seconds(partial(work, cls)))
        a, b = (statistics.median(times[v]) for v in variants)
        print(f"{name:<32} {a * 1e3:>11.1f} {b * 1e3:>11.1f} {b / a:>11.2f}")
    a, b = (retained_bytes(cls) for cls in variants.values())
    print(f"{'retained bytes per cell':<32} {a:>11.1f} {b:>11.1f} {b / a:>11.2f}")


if __name__ == "__main__":
    main()
