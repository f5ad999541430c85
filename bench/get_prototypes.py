"""The two prototypes of a compiled ``get`` side by side (docs/design.md, "Two builds"): the C
extension's ``IntervalMap.get`` (METH_FASTCALL) and a Cython ``cdef class`` over typed memoryviews
(``get_prototype.pyx``, compiled here when Cython is installed: ``pip install cython``), against
``dict.get`` and the pure build, on the benchmark's workload: every recorded expression looked up,
alternating repetitions, medians."""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from arenacheck.impl import compiled, pure
from arenacheck.workloads import bench

HERE = Path(__file__).resolve().parent


def cython_map() -> Any:
    """The Cython prototype's class, compiled into a temporary directory."""
    from Cython.Build import cythonize
    from setuptools import Extension
    from setuptools.dist import Distribution

    out = Path(tempfile.mkdtemp())
    source = out / "get_prototype.pyx"  # cythonize writes its C file beside the source: not here
    shutil.copy(HERE / "get_prototype.pyx", source)
    [ext] = cythonize([Extension("get_prototype", [str(source)])], quiet=True)
    dist = Distribution({"ext_modules": [ext]})
    cmd = dist.get_command_obj("build_ext")
    cmd.build_lib, cmd.build_temp = str(out), str(out / "tmp")
    cmd.ensure_finalized()
    cmd.run()
    sys.path.insert(0, str(out))
    import get_prototype

    return get_prototype.IntervalMap


def main() -> None:
    work = bench.workload([bench.trace.standard_library()], 100)
    maps: dict[str, list[Any]] = {"dict": [bench._dict(r) for r in work.maps]}
    built = [bench._arena_map(pure.IntervalMapBuilder)(r) for r in work.maps]
    maps["pure"] = built
    maps["C API"] = [bench._arena_map(compiled.IntervalMapBuilder)(r) for r in work.maps]
    try:
        cls = cython_map()
    except ImportError:
        print("(no Cython prototype: pip install cython)")
    else:
        maps["Cython"] = [cls(m._starts, m._ends, m._scopes) for m in built]
    for name in maps.keys() - {"dict"}:  # every prototype answers as the dict does
        for m, d, records in zip(maps[name], maps["dict"], work.maps, strict=True):
            assert all(m.get(i) == d.get(i) for i, _ in records[:50]), name

    def lookups(ms: list[Any]) -> Callable[[], None]:
        def run() -> None:
            for m, records in zip(ms, work.maps, strict=True):
                get = m.get
                for index, _ in records:
                    get(index)

        return run

    times: dict[str, list[float]] = {name: [] for name in maps}
    for _ in range(7):
        for name, ms in maps.items():
            started = time.perf_counter()
            lookups(ms)()
            times[name].append(time.perf_counter() - started)
    base = statistics.median(times["dict"])
    print(f"{work.records:,} lookups, medians of 7 alternating repetitions")
    for name, spent in times.items():
        median = statistics.median(spent)
        print(
            f"{name:8} {median * 1e3:7.1f} ms  {median / work.records * 1e9:6.1f} ns/get  "
            f"{median / base:5.2f} x dict"
        )


if __name__ == "__main__":
    main()
