"""The compiled build (``impl/_native.c``) against the pure one: one API, the same handles, cells,
ranges, errors and callback calls on every program of the corpus and on traced real code; the
harness catching a bug planted in each compiled kernel; no reference leaks.

Everything here that needs the compiled build skips where it is not built (an install without a C
compiler); ``tests/test_builds.py`` makes sure that is never the case where a compiler works.
"""

# ruff: noqa: B023 - every lambda here is called at once, by attempt(), inside its loop turn

from __future__ import annotations

import copy
import gc
import inspect
import json
import math
import os
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest

import arenacheck.impl
import arenacheck.impl.pure as pure
from arenacheck import resources
from arenacheck.cli import main
from arenacheck.program import Program, read_all
from arenacheck.workloads import trace

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "impl" / "_native.c"

try:
    import arenacheck.impl.compiled as compiled
except ImportError:  # pragma: no cover - an install without a C compiler
    compiled = None  # type: ignore[assignment]

needs_compiled = pytest.mark.skipif(compiled is None, reason="the compiled build is not built")
BUILDS: list[Any] = [pure, pytest.param(compiled, marks=needs_compiled, id="compiled")]


# --- One API -------------------------------------------------------------------------------------

PAIRS = ["ListBuilder", "ListStorage", "Entry", "IntervalMapBuilder", "IntervalMap"]


def public(cls: type) -> set[str]:
    dunders = {"__getitem__", "__contains__", "__len__"}
    return {n for n in dir(cls) if not n.startswith("_") or (n in dunders and hasattr(cls, n))}


@needs_compiled
@pytest.mark.parametrize("name", PAIRS)
def test_both_builds_have_the_same_methods_with_the_same_summaries(name: str) -> None:
    mine, theirs = getattr(compiled, name), getattr(pure, name)
    assert public(mine) == public(theirs)
    for method in public(theirs) - {"__getitem__", "__contains__", "__len__"}:
        summary = inspect.cleandoc(getattr(theirs, method).__doc__).split("\n\n")[0]
        assert inspect.getdoc(getattr(mine, method)).split("\n\n")[0] == summary, method
        if callable(getattr(theirs, method)):
            expected = list(inspect.signature(getattr(theirs, method)).parameters)
            assert list(inspect.signature(getattr(mine, method)).parameters) == expected, method


def test_the_package_exports_the_compiled_build_when_it_is_built() -> None:
    expected = "pure" if compiled is None else "compiled"
    assert expected == arenacheck.impl.BUILD, arenacheck.impl.WHY
    assert f"the {expected} build" in arenacheck.impl.describe()
    assert arenacheck.impl.provable("arenacheck.impl") == "arenacheck.impl.pure"
    assert arenacheck.impl.provable("arenacheck.impl.compiled") == "arenacheck.impl.pure"
    assert arenacheck.impl.provable("my.impl") == "my.impl"


@needs_compiled
def test_the_extension_under_test_is_the_one_asked_for() -> None:
    # make test-sanitize names its sanitizer build in ARENACHECK_NATIVE
    wanted = os.environ.get("ARENACHECK_NATIVE")
    loaded = sys.modules["arenacheck.impl._native"].__file__
    assert loaded is not None
    if wanted:
        assert Path(loaded).resolve() == Path(wanted).resolve()
    else:
        assert (
            Path(loaded).resolve().parent == (ROOT / "impl").resolve() or "site-packages" in loaded
        )


@needs_compiled
def test_the_compiled_build_takes_keyword_arguments_as_the_pure_one() -> None:
    for build in (pure, compiled):
        b = build.ListBuilder()
        h = b.insert(h=None, key=1, value="a")
        h2 = b.insert(None, 2)
        assert b.items(h=b.union_with(h1=h, h2=h2, combine=max)) == [(1, "a"), (2, None)]
        assert b.get(h, key=1, default=0) == "a" and b.contains(h, key=3) is False
        assert b.entry(h, 1).replace(value="b") != h
        ib = build.IntervalMapBuilder()
        ib.record(index=1, scope=2)
        assert ib.build().get(index=5, default=-1) == -1
        with pytest.raises(TypeError):
            b.insert(None, 1, 2, 3)  # type: ignore[call-arg]
        with pytest.raises(TypeError):
            b.insert(None, 1, colour=2)  # type: ignore[call-arg]
        with pytest.raises(TypeError):
            ib.record(1)  # type: ignore[call-arg]


# --- The differential: the same operations on both builds, every observation compared ----------

MISSING = object()


class Calls:
    """A program's callbacks as the harness makes them (docs/programs.md), each call logged."""

    COMBINES: ClassVar[dict[str, Callable[[Any, Any], Any]]] = {
        "left": lambda a, b: a,
        "right": lambda a, b: b,
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "min": min,
        "max": max,
    }

    def __init__(self, builder: Any, log: list[Any]) -> None:
        self.builder, self.log = builder, log

    def combine(self, op: dict[str, Any]) -> Callable[[Any, Any], Any] | None:
        name = op.get("combine")
        if name is None:
            return None
        calls = [0]

        def call(a: Any, b: Any) -> Any:
            self.log.append(("combine", a, b))
            calls[0] += 1
            if name == "raise" and calls[0] > op.get("after", 0):
                raise ZeroDivisionError("combine")
            if name == "reenter":
                self.reenter()
                return a
            return self.COMBINES.get(name, self.COMBINES["left"])(a, b)

        return call

    def fn(self, op: dict[str, Any]) -> Callable[[], Any]:
        def call() -> Any:
            self.log.append(("fn",))
            if op["fn"] == "raise":
                raise ZeroDivisionError("fn")
            if op["fn"] == "reenter":
                self.reenter()
            return op["value"]

        return call

    def reenter(self) -> None:
        try:
            self.builder.insert(None, 0, 0)
        except RuntimeError as err:
            self.log.append(("refused", type(err).__name__))
        else:
            self.log.append(("reentered",))


def attempt(log: list[Any], call: Callable[[], Any]) -> Any:
    """``call()``'s result, or its error logged as its type and message."""
    try:
        return call()
    except Exception as err:
        log.append(("error", type(err).__name__, str(err)))
        return MISSING


def bad_handle(builder: Any, reader: Any, op: dict[str, Any]) -> Callable[[], Any]:
    h, call = op["handle"], op["call"]
    first = op.get("position", 1) == 1
    calls: dict[str, Callable[[], Any]] = {
        "insert": lambda: builder.insert(h, 0, 0),
        "replace": lambda: builder.entry(h, 0).replace(0),
        "insert_with": lambda: builder.entry(h, 0).or_insert_with(lambda: 0),
        "intersect": lambda: builder.intersect(h, None) if first else builder.intersect(None, h),
        "union": lambda: builder.union(h, None) if first else builder.union(None, h),
        "get": lambda: reader.get(h, 0),
        "contains": lambda: reader.contains(h, 0),
    }
    return calls.get(call, lambda: getattr(reader, call)(h))


def run_alist(build: ModuleType, ops: list[dict[str, Any]]) -> list[Any]:
    """Every observation of ``ops`` on ``build``: each result, error, callback call and cell
    count, and at the end every list through the builder and the storage."""
    b = build.ListBuilder()
    reader: Any = b
    log: list[Any] = []
    calls = Calls(b, log)
    lists: list[Any] = [None]
    for op in ops:
        name = op["op"]
        if name in ("insert", "replace", "insert_with", "intersect", "union", "extend"):
            if name in ("intersect", "union"):
                a, c = lists[op["a"]], lists[op["b"]]
                combine = calls.combine(op)
                method = name if combine is None else f"{name}_with"
                args = (a, c) if combine is None else (a, c, combine)
                result = attempt(log, lambda: getattr(b, method)(*args))
            elif name == "extend":
                h = lists[op["src"]]
                for i in range(op["count"]):
                    h = attempt(
                        log, lambda h=h, i=i: b.insert(h, op["start"] + i * op["step"], op["value"])
                    )
                    log.append(("step", h, b.cell_count))
                result = h
            else:
                h, key = lists[op["src"]], op["key"]
                if name == "insert" and "value" not in op:
                    result = attempt(log, lambda: b.insert(h, key))
                elif name == "insert":
                    result = attempt(log, lambda: b.entry(h, key).or_insert(op["value"]))
                elif name == "replace":
                    result = attempt(log, lambda: b.entry(h, key).replace(op["value"]))
                else:
                    result = attempt(log, lambda: b.entry(h, key).or_insert_with(calls.fn(op)))
            lists.append(result)
            log.append((name, result, b.cell_count))
        elif name == "items":
            log.append(("items", attempt(log, lambda: reader.items(lists[op["var"]]))))
        elif name == "get":
            h = lists[op["var"]]
            found = attempt(log, lambda: reader.get(h, op["key"], MISSING))
            log.append(
                ("get", found is MISSING, attempt(log, lambda: reader.contains(h, op["key"])))
            )
        elif name == "bad_handle":
            attempt(log, bad_handle(b, reader, op))
        elif name == "build":
            built = attempt(log, b.build)
            reader = reader if built is MISSING else built
        else:
            read_call = getattr(reader, name)
            log.append((name, attempt(log, lambda: read_call(lists[op["var"]]))))
    for h in lists:
        if h is not MISSING:
            for r in {id(b): b, id(reader): reader}.values():
                log.append(("end", h, r.items(h), r.items_reverse(h), r.keys(h), r.length(h)))
    return log


def run_intervals(build: ModuleType, ops: list[dict[str, Any]]) -> list[Any]:
    """Every observation of ``ops`` on ``build``: each record's error, the build's ranges or
    conflict, each lookup by every read, and a probe of every index around every range."""
    ib = build.IntervalMapBuilder()
    log: list[Any] = []
    m: Any = None
    for op in ops:
        name = op["op"]
        if name == "record":
            log.append(("record", attempt(log, lambda: ib.record(op["index"], op["scope"]))))
        elif name == "build":
            built = attempt(log, ib.build)
            m = m if built is MISSING else built
        elif name == "lookup" and m is not None:
            i = op["index"]
            log.append(("lookup", m.get(i), m.get(i, "d"), i in m, attempt(log, lambda: m[i])))
        elif name == "intervals" and m is not None:
            log.append(("intervals", m.intervals(), len(m)))
    if m is not None:
        ranges = m.intervals()
        probes = {e + d for s, e, _ in ranges for e in (s, e) for d in (-1, 0, 1)}
        log.append(("probes", ranges, len(m), [(i, m.get(i), i in m) for i in sorted(probes)]))
    return log


def programs() -> Iterator[tuple[str, Program]]:
    """Every corpus program; a program sequence's each by its place in the file."""
    for path in resources.corpus():
        found = read_all(path)
        for i, program in enumerate(found):
            yield (path.stem if len(found) == 1 else f"{path.stem}#{i}"), program


def stdlib_traces() -> Iterator[tuple[str, Program, Program]]:
    for name in ("json/decoder.py", "argparse.py", "dataclasses.py", "asyncio/base_events.py"):
        traced = trace.trace_path(trace.standard_library() / name)
        assert traced is not None, name
        yield name, traced[0], traced[1]


def run(build: ModuleType, program: Program) -> list[Any]:
    runner = run_alist if program.structure == "alist" else run_intervals
    return runner(build, program.ops)


@needs_compiled
@pytest.mark.parametrize(("name", "program"), list(programs()), ids=[n for n, _ in programs()])
def test_both_builds_observe_the_same_on_every_corpus_program(name: str, program: Program) -> None:
    assert run(compiled, program) == run(pure, program)


@needs_compiled
def test_both_builds_observe_the_same_on_traced_standard_library_modules() -> None:
    for name, intervals, alists in stdlib_traces():
        records = trace.recorded(intervals)
        assert len(records) > 100 and len(alists.ops) > 100, name
        assert run(compiled, intervals) == run(pure, intervals), name
        assert run(compiled, alists) == run(pure, alists), name


# Values and keys beyond the programs' ints: the column forms, NaN, equal keys of three types.

ODD_VALUES: list[Any] = [None, 0, -1, 2**63 - 1, -(2**63), 2**63, 1.5, math.nan, True, "s", (1, 2)]
ODD_KEYS: list[Any] = [0, 1, 2**31, -(2**31) - 1, 2**63, 1.0, True, 1.5, -0.5]


def odd_program(build: ModuleType, values: list[Any], keys: list[Any]) -> list[Any]:
    b = build.ListBuilder()
    log: list[Any] = []
    h: Any = None
    handles = [None]
    for i, key in enumerate(keys):
        value = values[i % len(values)]
        h = attempt(log, lambda h=h, key=key, value=value: b.insert(h, key, value))
        handles.append(h)
        log.append((h, b.cell_count, b.items(h) if h is not MISSING else None))
    for x in handles:
        for y in handles:
            if x is MISSING or y is MISSING:
                continue
            for merge in (b.intersect, b.union):
                r = attempt(log, lambda merge=merge, x=x, y=y: merge(x, y))
                log.append((r, b.cell_count))
            r = attempt(log, lambda x=x, y=y: b.union_with(x, y, lambda p, q: (p, q)))
            log.append((r, b.cell_count, repr(b.items(r)) if r not in (MISSING, None) else r))
        if x is not MISSING:
            for key in keys:
                found = attempt(log, lambda x=x, key=key: b.get(x, key, "-"))
                log.append(
                    ("get", repr(found), attempt(log, lambda x=x, key=key: b.contains(x, key)))
                )
            log.append(("replace", attempt(log, lambda x=x: b.entry(x, 1).replace(math.nan))))
    log.append([(type(k).__name__, repr(v)) for k, v in b.items(h)] if h is not MISSING else h)
    return [repr(entry) for entry in log]


@needs_compiled
@pytest.mark.parametrize("start", range(len(ODD_VALUES)))
def test_both_builds_agree_on_every_column_form_and_odd_value(start: int) -> None:
    values = ODD_VALUES[start:] + ODD_VALUES[:start]
    for keys in (ODD_KEYS, ODD_KEYS[::-1], [3, 2, 1, "a"], ["b", "a", "c"]):
        assert odd_program(compiled, values, keys) == odd_program(pure, values, keys)


@needs_compiled
@pytest.mark.parametrize("build", BUILDS, ids=["pure", "compiled"])
def test_a_snapshot_is_a_builder_of_its_own(build: ModuleType) -> None:
    b = build.ListBuilder()
    h = b.insert(b.insert(None, 1, [1]), 2, 2)
    assert copy.deepcopy(b.entry(h, 3)).or_insert(4) is not None
    assert b.cell_count == 2  # the entry's copy wrote into a copy of the builder
    twin = copy.deepcopy(b)
    assert twin.items(h) == b.items(h) and twin.cell_count == b.cell_count
    twin.insert(h, 5)
    assert b.cell_count == 2 and twin.cell_count == 3
    storage = b.build()
    pair = copy.deepcopy((b, storage))
    assert pair[1].items(h) == storage.items(h)
    with pytest.raises(arenacheck.BuilderFinished):
        pair[0].insert(h, 9)
    ib = build.IntervalMapBuilder()
    ib.record(1, 1)
    ib_twin = copy.deepcopy(ib)
    ib_twin.record(2, 2)
    assert ib.build().intervals() == [(1, 1, 1)] and len(ib_twin.build()) == 2


# --- The harness on both builds -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["arenacheck.impl.pure", "arenacheck.impl.compiled"])
def test_the_corpus_and_every_small_program_are_clean_on_each_build(
    name: str, tmp_path: Path
) -> None:
    if name.endswith("compiled") and compiled is None:
        pytest.skip("the compiled build is not built")
    assert main(["replay", str(resources.corpus()[0].parent), "--impl", name]) == 0
    report = tmp_path / "exhaust.json"
    argv = ["exhaust", "--impl", name, "--out", str(tmp_path)]  # the default bounds
    assert main([*argv, "--report", str(report)]) == 0
    assert json.loads(report.read_text())


@pytest.mark.slow
def test_check_runs_every_engine_on_the_pure_build(tmp_path: Path) -> None:
    # `arenacheck.impl` (the compiled build, where built) is checked by test_gallery.py
    argv = ["check", "--impl", "arenacheck.impl.pure", "--budget", "20", "--out", str(tmp_path)]
    assert main(argv) == 0
    assert not list(tmp_path.glob("*.jsonl"))


# --- A bug planted in each compiled kernel, and the harness catching it ------------------------

#: -DPLANT_<NAME> -> the structure whose exhaust run must find it (every one at 3 operations).
PLANTS = {
    "WALK_DROPS_BOTTOM": "alist",  # walk
    "LOCATE_PASSES_EQUAL": "alist",  # locate
    "REPLACE_COPIES": "alist",  # put (gallery/kernels/replace_copies.py)
    "SWAPPED_MERGE": "alist",  # merge (gallery/kernels/swapped_merge.py)
    "COALESCE_ADJACENT_ONLY": "intervals",  # coalesce (gallery/bugs/coalesce_adjacent_only.py)
    "FIND_END_OFF_BY_ONE": "intervals",  # find (gallery/kernels/canary_find.py)
}

SHIM = '''"""The compiled build with the bug {plant} planted (tests/test_native.py)."""
import importlib.util

_spec = importlib.util.spec_from_file_location("{name}", {path!r})
_native = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_native)
assert _native.PLANTED == 1
EMPTY, ListBuilder, IntervalMapBuilder = None, _native.ListBuilder, _native.IntervalMapBuilder
'''


def compile_native(out: Path, name: str, *flags: str) -> Path:
    """``_native.c`` compiled as the extension ``name`` in ``out``, with ``flags``."""
    target = out / f"{name}{sysconfig.get_config_var('EXT_SUFFIX')}"
    cc = (sysconfig.get_config_var("CC") or "cc").split()
    includes = [f"-I{sysconfig.get_paths()['include']}"]
    argv = [*cc, "-O1", "-shared", "-fPIC", *includes, f"-DNATIVE_NAME={name}", *flags]
    subprocess.run([*argv, str(SOURCE), "-o", str(target)], check=True)
    return target


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if compiled is None:
        pytest.skip("the compiled build is not built")
    out = tmp_path_factory.mktemp("planted")
    shims = {}
    for plant in PLANTS:
        name = f"_native_{plant.lower()}"
        so = compile_native(out, name, f"-DPLANT_{plant}")
        shim = out / f"planted_{plant.lower()}.py"
        shim.write_text(SHIM.format(plant=plant, name=name, path=str(so)))
        shims[plant] = shim
    return shims


@pytest.mark.slow
@pytest.mark.parametrize("plant", PLANTS)
def test_a_bug_planted_in_a_compiled_kernel_is_caught(
    plant: str, planted: dict[str, Path], tmp_path: Path
) -> None:
    argv = ["exhaust", "--impl", str(planted[plant]), "--structure", PLANTS[plant]]
    done = subprocess.run(
        [sys.executable, "-m", "arenacheck", *argv, "--max-ops", "3", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "VIOLATION" in done.stdout and list(tmp_path.glob("*.jsonl")), done.stdout


# --- No reference leaks ---------------------------------------------------------------------------


def workout(build: ModuleType, key: object, value: object, default: object) -> None:
    """Every operation once, the failing ones too, with objects whose references are counted."""
    b = build.ListBuilder()
    h = b.insert(b.insert(None, 1, value), 3, value)
    h2 = b.entry(h, 2).or_insert_with(lambda: value)
    b.entry(h2, 2).replace(value)
    b.union_with(h, h2, lambda x, y: value)
    b.intersect_with(h, h2, lambda x, y: value)
    b.union(h, h2), b.intersect(h, h2), b.get(h, 1), b.get(h, 9, default), b.contains(h, 2)
    b.items(h2), b.keys(h2), b.items_reverse(h2), b.length(h2)
    for bad in (lambda: b.insert(h, key), lambda: b.insert(-1, 1), lambda: b.get(h, key, default)):
        with pytest.raises((TypeError, ValueError)):
            bad()
    with pytest.raises(ZeroDivisionError):
        b.union_with(h, h2, lambda x, y: 1 / 0)
    big = b.insert(b.insert(None, key, value), key, value)
    b.items(big), copy.deepcopy(b)
    b.build().items(h)
    ib = build.IntervalMapBuilder()
    for i in range(50):
        ib.record(i * 2 % 37, i // 10)
    ib.record(3, 99)
    with pytest.raises(arenacheck.ConflictingRecord):
        ib.build()
    with pytest.raises(TypeError):
        ib.record(key, 1)
    m = build.IntervalMapBuilder().build()
    m.get(key, default), m.get(5, default), key in m
    with pytest.raises(KeyError):
        m[key]


@needs_compiled
def test_the_compiled_build_leaks_no_references() -> None:
    key, value, default = "k" * 10, object(), object()
    counts = [sys.getrefcount(x) for x in (key, value, default)]
    for _ in range(3):
        workout(compiled, key, value, default)
    gc.collect()
    assert [sys.getrefcount(x) for x in (key, value, default)] == counts
    blocks = sys.getallocatedblocks()
    for _ in range(2000):
        workout(compiled, key, value, default)
    gc.collect()
    # a leak of one object per operation would show as tens of thousands of blocks
    assert sys.getallocatedblocks() - blocks < 1000
