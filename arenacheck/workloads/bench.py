"""``arenacheck bench``: the bundled structures against what users would pick instead, on the
workloads ``arenacheck trace`` makes of real code (docs/benchmarks.md).

Every measurement is side by side in one run: each repetition runs every contender once, in
turn, and the table shows medians and ratios, never a lone absolute time. Both builds of the
bundled implementation run, each row naming its build (``compiled``: the C extension types,
skipped with a note where they are not built; ``pure``: the Python modules), and a ``loop`` row
times the benchmark's own dispatch loop with calls that do nothing, the floor under every row.
Retained memory is measured apart from timing, with tracemalloc (it does not depend on machine
noise, and tracemalloc slows what it watches; the compiled build allocates through ``PyMem_*``, so
tracemalloc sees its columns). Contenders whose package is not installed are skipped with a note;
``pip install 'arenacheck[bench]'`` installs them all.
"""

from __future__ import annotations

import gc
import importlib
import json
import statistics
import time
import tracemalloc
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property, partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import arenacheck.impl
from arenacheck import optional
from arenacheck.impl import pure
from arenacheck.interpreter import ListProgram, Step, compiled
from arenacheck.model import IntervalMapBuilder as ModelMapBuilder
from arenacheck.model import ListBuilder as ModelListBuilder
from arenacheck.structures import Op
from arenacheck.workloads import trace

Records = list[tuple[int, int]]

#: The compiled build's module: a contender only where it is built.
COMPILED = "arenacheck.impl._native"


def _compiled(name: str) -> Any:
    """A class of the compiled build, imported when a contender first needs it."""
    return getattr(importlib.import_module("arenacheck.impl.compiled"), name)


@dataclass
class Workload:
    """Per traced file: its interval records, and its alist flow as operations."""

    files: int = 0
    maps: list[Records] = field(default_factory=list)
    flows: list[list[Op]] = field(default_factory=list)
    counts: trace.Counts = field(default_factory=trace.Counts)

    @cached_property
    def steps(self) -> list[list[Step]]:
        """The flows compiled by the interpreter, once, outside every timing."""
        return [compiled(ops) for ops in self.flows]

    @property
    def records(self) -> int:
        return sum(len(r) for r in self.maps)


def workload(paths: Sequence[Path], files: int | None) -> Workload:
    """Trace ``paths`` in memory; with ``files``, an evenly spaced sample of that many files."""
    found = trace.sources(list(paths))
    if files is not None and files < len(found):
        step = len(found) / files
        found = [found[int(i * step)] for i in range(files)]
    out = Workload()
    for _, path in found:
        traced = trace.trace_path(path)
        if traced is None:
            out.counts.skipped += 1
            continue
        intervals, alists, counts = traced
        out.counts.add(counts)
        out.maps.append(trace.recorded(intervals))
        out.flows.append(list(alists.ops))
    out.files = len(out.maps)
    return out


# --- Interval maps ---------------------------------------------------------------------------


def _arena_map(builder: Callable[[], Any]) -> Callable[[Records], Any]:
    def build(records: Records) -> Any:
        b = builder()
        for index, scope in records:
            b.record(index, scope)
        return b.build()

    return build


def _dict(records: Records) -> dict[int, int]:
    d: dict[int, int] = {}
    for index, scope in records:
        d[index] = scope
    return d


def _ranges(records: Records) -> list[tuple[int, int, int]]:
    """What a range-keyed peer needs: sort, then one range per run of one scope."""
    out: list[tuple[int, int, int]] = []
    for index, scope in sorted(set(records)):
        if out and out[-1][2] == scope:
            out[-1] = (out[-1][0], index, scope)
        else:
            out.append((index, index, scope))
    return out


def _sorted_dict(records: Records) -> Any:
    from sortedcontainers import SortedDict

    d = SortedDict()
    for index, scope in records:
        d[index] = scope
    return d


def _interval_dict(records: Records) -> Any:
    import portion

    d = portion.IntervalDict()
    for start, end, scope in _ranges(records):
        d[portion.closed(start, end)] = scope
    return d


def _interval_tree(records: Records) -> Any:
    from intervaltree import Interval, IntervalTree

    return IntervalTree(Interval(s, e + 1, scope) for s, e, scope in _ranges(records))


def _tree_get(tree: Any, index: int) -> Any:
    found = tree[index]
    return next(iter(found)).data if found else None


@dataclass(frozen=True)
class Contender:
    name: str
    needs: str | None  # the module that must be importable
    build: Callable[[Any], Any]
    get: Callable[[Any, int], Any] | None = None  # interval maps only


def _compiled_map(records: Records) -> Any:
    return _arena_map(_compiled("IntervalMapBuilder"))(records)


MAPS = [
    Contender("compiled", COMPILED, _compiled_map, lambda m, i: m.get(i)),
    Contender("pure", None, _arena_map(pure.IntervalMapBuilder), lambda m, i: m.get(i)),
    Contender("model", None, _arena_map(ModelMapBuilder), lambda m, i: m.get(i)),
    Contender("dict", None, _dict, lambda m, i: m.get(i)),
    Contender("SortedDict", "sortedcontainers", _sorted_dict, lambda m, i: m.get(i)),
    Contender("IntervalDict", "portion", _interval_dict, lambda m, i: m.get(i)),
    Contender("IntervalTree", "intervaltree", _interval_tree, _tree_get),
]


# --- Alists: the flow workload -----------------------------------------------------------------


class Lists:
    """One way to hold constraint lists: an empty list, insert, intersect, and a fresh arena per
    scope (``arena``) for the arena kinds. ``builder()`` is what the interpreter calls the set
    forms of ``insert`` and ``intersect`` on: the contender itself, or its arena's builder."""

    empty: Any = None

    def arena(self) -> None:
        """A new scope: arena contenders start a builder."""

    def builder(self) -> Any:
        return self

    def insert(self, h: Any, key: int) -> Any:
        raise NotImplementedError

    def intersect(self, a: Any, b: Any) -> Any:
        raise NotImplementedError

    def calls(self) -> tuple[Callable[[Any, int], Any], Callable[[Any, Any], Any]]:
        """The cheapest ``insert`` and ``intersect`` callables (``micro`` times them)."""
        return self.insert, self.intersect


class LoopLists(Lists):
    """No structure at all: every call is ``{}.get``, a C call that does nothing here, so a flow
    costs only the dispatch loop every contender shares (the interpreter's steps, keeping every
    result) and one C call per operation: the floor under every row."""

    def __init__(self) -> None:
        self.noop = SimpleNamespace(insert={}.get, intersect={}.get)

    def builder(self) -> Any:
        return self.noop

    def calls(self) -> tuple[Callable[[Any, int], Any], Callable[[Any, Any], Any]]:
        return self.noop.insert, self.noop.intersect


class ArenaLists(Lists):
    def __init__(self, builder: Callable[[], Any]) -> None:
        self.make, self.b = builder, builder()
        self.cells = 0

    def arena(self) -> None:
        self.cells += self.b.cell_count
        self.b = self.make()

    def builder(self) -> Any:
        return self.b

    def insert(self, h: Any, key: int) -> Any:
        return self.b.insert(h, key)

    def intersect(self, a: Any, b: Any) -> Any:
        return self.b.intersect(a, b)

    def calls(self) -> tuple[Callable[[Any, int], Any], Callable[[Any, Any], Any]]:
        return self.b.insert, self.b.intersect  # the builder's own methods, as a flow calls them


class FrozensetLists(Lists):
    empty: Any = frozenset()

    def insert(self, h: Any, key: int) -> Any:
        return h | {key}

    def intersect(self, a: Any, b: Any) -> Any:
        return a & b


class TupleLists(Lists):
    """Sorted tuples of keys: the simplest persistent sorted set."""

    empty: Any = ()

    def insert(self, h: Any, key: int) -> Any:
        if not h or h[-1] < key:
            return (*h, key)
        at = bisect_left(h, key)
        return h if h[at] == key else (*h[:at], key, *h[at:])

    def intersect(self, a: Any, b: Any) -> Any:
        other = set(b)
        return tuple(k for k in a if k in other)


class MapLists(Lists):
    """``immutables.Map`` (a HAMT, as ``contextvars`` uses) with keys only."""

    def __init__(self) -> None:
        import immutables

        self.empty = immutables.Map()
        self._map = immutables.Map

    def insert(self, h: Any, key: int) -> Any:
        return h.set(key, None)

    def intersect(self, a: Any, b: Any) -> Any:
        small, large = (a, b) if len(a) <= len(b) else (b, a)
        return self._map({k: None for k in small if k in large})


LISTS: list[tuple[str, str | None, Callable[[], Lists]]] = [
    ("compiled", COMPILED, lambda: ArenaLists(_compiled("ListBuilder"))),
    ("pure", None, lambda: ArenaLists(pure.ListBuilder)),
    ("model", None, lambda: ArenaLists(ModelListBuilder)),
    ("frozenset", None, FrozensetLists),
    ("tuple", None, TupleLists),
    ("immutables.Map", "immutables", MapLists),
    ("loop", None, LoopLists),
]


def run_flows(lists: Lists, flows: Iterable[list[Step]]) -> list[tuple[Any, list[Any]]]:
    """Every flow (compiled by the interpreter: each step one call on the builder) on ``lists``;
    the lists it made, kept alive as a program keeps its variables, each flow's with its builder:
    an arena's handles are only numbers, its lists live in the builder (until 2026-12 the builder
    was dropped here, and an arena's retained memory counted its handles alone)."""
    kept = []
    for steps in flows:
        lists.arena()
        builder = lists.builder()
        kept.append((builder, ListProgram(builder, lists.empty).run(steps)))
    return kept


# --- Measuring ---------------------------------------------------------------------------------


def seconds(work: Callable[[], Any]) -> float:
    gc.collect()
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def retained(make: Callable[[], Any]) -> int:
    """Bytes still allocated once ``make`` returned, its result kept."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = make()
        size = tracemalloc.get_traced_memory()[0] - before
        del kept
        return size
    finally:
        tracemalloc.stop()


def available(needs: str | None) -> bool:
    """Whether a contender's package is installed (``None``: it needs none)."""
    return needs is None or optional.available(needs)


def missing(name: str, needs: str | None) -> str:
    """Why a contender is not in the tables."""
    if needs == COMPILED:
        return f"{name} (the compiled build is not built here)"
    return f"{name} ({needs} not installed)"


@dataclass
class Row:
    """One contender's medians (seconds), retained bytes, and ratios to the baseline."""

    name: str
    times: dict[str, float]
    memory: int
    ratios: dict[str, float] = field(default_factory=dict)


@dataclass
class Report:
    build: str  # which build ``arenacheck.impl`` runs, and why
    files: int
    records: int
    ranges: int
    inserts: int
    intersections: int
    cells: int
    repeats: int
    maps: list[Row]
    lists: list[Row]
    micro: dict[str, dict[str, float]]
    skipped: list[str]

    def json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def _built(c: Contender, maps: list[Records]) -> list[Any]:
    return [c.build(records) for records in maps]


def _run_new(make: Callable[[], Lists], flows: list[list[Step]]) -> list[tuple[Any, list[Any]]]:
    return run_flows(make(), flows)


def _on_new(work: Callable[[Lists], None], make: Callable[[], Lists]) -> None:
    work(make())


def _build_all(c: Contender, maps: list[Records], into: list[Any]) -> None:
    into.extend(map(c.build, maps))


def _get_all(c: Contender, maps: list[Records], built: list[Any]) -> None:
    get = c.get
    assert get is not None
    for m, records in zip(built, maps, strict=True):
        for index, _ in records:
            get(m, index)


def bench_maps(work: Workload, repeats: int) -> tuple[list[Row], list[str]]:
    contenders = [c for c in MAPS if available(c.needs)]
    skipped = [missing(c.name, c.needs) for c in MAPS if not available(c.needs)]
    times: dict[str, dict[str, list[float]]] = {
        c.name: {"build": [], "get": []} for c in contenders
    }
    for _ in range(repeats):
        for c in contenders:
            built: list[Any] = []
            times[c.name]["build"].append(seconds(partial(_build_all, c, work.maps, built)))
            times[c.name]["get"].append(seconds(partial(_get_all, c, work.maps, built)))
    rows = [
        Row(
            c.name,
            {k: statistics.median(v) for k, v in times[c.name].items()},
            retained(partial(_built, c, work.maps)),
        )
        for c in contenders
    ]
    return _ratios(rows, "dict"), skipped


def bench_lists(work: Workload, repeats: int) -> tuple[list[Row], list[str], int]:
    contenders = [(n, make) for n, needs, make in LISTS if available(needs)]
    skipped = [missing(n, needs) for n, needs, _ in LISTS if not available(needs)]
    times: dict[str, list[float]] = {n: [] for n, _ in contenders}
    for _ in range(repeats):
        for name, make in contenders:
            lists = make()
            times[name].append(seconds(partial(run_flows, lists, work.steps)))
    cells = ArenaLists(pure.ListBuilder)  # both builds allocate the same cells (test_native.py)
    run_flows(cells, work.steps)
    cells.arena()
    rows = [
        Row(
            name,
            {"flow": statistics.median(times[name])},
            retained(partial(_run_new, make, work.steps)),
        )
        for name, make in contenders
    ]
    return _ratios(rows, "frozenset"), skipped, cells.cells


def _ratios(rows: list[Row], baseline: str) -> list[Row]:
    base = next((r for r in rows if r.name == baseline), None)
    for row in rows:
        if base is None:
            continue
        row.ratios = {k: v / base.times[k] for k, v in row.times.items() if base.times[k]}
        row.ratios["memory"] = row.memory / base.memory if base.memory else 0.0
    return rows


#: ``micro``'s sizes: in-order inserts into one list (a copying contender pays O(n) each), and
#: joins of two branches of a list of ``JOIN_BASE`` keys.
MICRO_INSERTS, JOINS, JOIN_BASE = 10_000, 2_000, 1_000


def micro(repeats: int) -> dict[str, dict[str, float]]:
    """The two alist operations the targets name, alone: in-order inserts, and the join of two
    branches that each added a key to the same list (seconds per operation, medians). The model
    is left out: it keeps every version of every list whole (quadratic memory, by design)."""
    n, joins = MICRO_INSERTS, JOINS
    keys = list(range(n))

    def inserts(lists: Lists) -> None:
        insert, _ = lists.calls()
        h = lists.empty
        for k in keys:
            h = insert(h, k)

    def intersections(lists: Lists) -> None:
        insert, intersect = lists.calls()
        base = lists.empty
        for k in range(JOIN_BASE):
            base = insert(base, k)
        left, right = insert(base, 5000), insert(base, 6000)
        for _ in range(joins):
            intersect(left, right)

    contenders = [(n, make) for n, needs, make in LISTS if available(needs) and n != "model"]
    times: dict[str, dict[str, list[float]]] = {"insert": {}, "intersect": {}}
    for _ in range(repeats):  # alternating, as everywhere: each repetition runs every contender
        for name, make in contenders:
            for kind, work, count in (("insert", inserts, n), ("intersect", intersections, joins)):
                spent = seconds(partial(_on_new, work, make)) / count
                times[kind].setdefault(name, []).append(spent)
    return {kind: {k: statistics.median(v) for k, v in by.items()} for kind, by in times.items()}


def bench(work: Workload, repeats: int) -> Report:
    maps, skipped_maps = bench_maps(work, repeats)
    lists, skipped_lists, cells = bench_lists(work, repeats)
    return Report(
        build=arenacheck.impl.describe(),
        files=work.files,
        records=work.records,
        ranges=work.counts.ranges,
        inserts=work.counts.inserts,
        intersections=work.counts.intersections,
        cells=cells,
        repeats=repeats,
        maps=maps,
        lists=lists,
        micro=micro(repeats),
        skipped=sorted(set(skipped_maps + skipped_lists)),
    )


def table(report: Report) -> str:
    """The side-by-side tables, in Markdown (docs/benchmarks.md quotes them)."""
    r = report
    lines = [
        f"{r.build}; the rows `compiled` and `pure` are its two builds.",
        "",
        f"{r.files} files, {r.records:,} expressions in {r.ranges:,} ranges; alist flow: "
        f"{r.inserts:,} inserts, {r.intersections:,} intersections, {r.cells:,} cells "
        f"allocated by either build; medians of {r.repeats} alternating repetitions.",
        "",
        "| interval map | build (ms) | get, all recorded (ms) | retained KiB | B/expression "
        "| build / dict | get / dict | memory / dict |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in r.maps:
        lines.append(
            f"| {row.name} | {row.times['build'] * 1e3:.1f} | {row.times['get'] * 1e3:.1f} "
            f"| {row.memory / 1024:,.0f} | {row.memory / max(r.records, 1):.2f} "
            f"| {row.ratios.get('build', 0):.2f} | {row.ratios.get('get', 0):.2f} "
            f"| {row.ratios.get('memory', 0):.3f} |"
        )
    lines += [
        "",
        "| alists (flow) | time (ms) | retained KiB | time / frozenset | memory / frozenset |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in r.lists:
        lines.append(
            f"| {row.name} | {row.times['flow'] * 1e3:.1f} | {row.memory / 1024:,.0f} "
            f"| {row.ratios.get('flow', 0):.2f} | {row.ratios.get('memory', 0):.3f} |"
        )
    lines += ["", "| alists, one operation (µs) | " + " | ".join(r.micro["insert"]) + " |"]
    lines.append("|---|" + "---:|" * len(r.micro["insert"]))
    for kind, label in (("insert", "in-order insert"), ("intersect", "join of two branches")):
        cells = " | ".join(f"{v * 1e6:.2f}" for v in r.micro[kind].values())
        lines.append(f"| {label} | {cells} |")
    if r.skipped:
        lines += ["", "Not installed, skipped: " + ", ".join(r.skipped) + "."]
    return "\n".join(lines)


def plot(report: Report, path: Path) -> None:
    """Bar charts of the ratios to the baselines (needs matplotlib: ``arenacheck[plot]``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    panels = (
        (axes[0], report.maps, ("build", "get", "memory"), "interval map, ratio to dict"),
        (axes[1], report.lists, ("flow", "memory"), "alist flow, ratio to frozenset"),
    )
    for ax, rows, measures, title in panels:
        width = 0.8 / len(measures)
        for i, measure in enumerate(measures):
            xs = [j + i * width for j in range(len(rows))]
            ax.bar(xs, [row.ratios.get(measure, 0) for row in rows], width, label=measure)
        ax.set_xticks([j + width * (len(measures) - 1) / 2 for j in range(len(rows))])
        ax.set_xticklabels([row.name for row in rows], rotation=20)
        ax.set_yscale("log")
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_title(title)
        ax.legend()
    fig.suptitle(f"{report.files} traced files, medians of {report.repeats} repetitions")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
