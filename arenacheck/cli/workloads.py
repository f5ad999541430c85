"""``arenacheck trace`` (programs from real Python code) and ``arenacheck bench`` (the structures
against what users would pick instead, on those programs)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from arenacheck import optional
from arenacheck.cli import common
from arenacheck.workloads import trace

#: ``bench``'s default sample of the standard library: minutes, not hours, with the slow peers.
BENCH_FILES = 100


def _add_sources(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="Python files or directories (default: this interpreter's standard library)",
    )


def _sources(args: argparse.Namespace) -> list[Path]:
    """The paths ``trace`` and ``bench`` read: each must exist; none means the standard library."""
    paths = [Path(p) for p in args.paths] or [trace.standard_library()]
    for path in paths:
        if not path.exists():
            raise common.UsageError(f"no such file or directory: {str(path)!r}")
    return paths


def add(sub: Any) -> None:
    tracing = sub.add_parser(
        "trace", help="turn Python source files into programs: the workloads of real code"
    )
    _add_sources(tracing)
    tracing.add_argument(
        "-o", "--out", default="traces", metavar="DIR", help="where to write (default: traces)"
    )
    tracing.set_defaults(func=run_trace)

    bench = sub.add_parser(
        "bench", help="time and memory against the structures users would pick instead"
    )
    _add_sources(bench)
    bench.add_argument(
        "--files",
        type=int,
        default=BENCH_FILES,
        metavar="N",
        help=f"an evenly spaced sample of N files (default: {BENCH_FILES}; 0: all)",
    )
    bench.add_argument(
        "--repeat", type=int, default=5, metavar="N", help="alternating repetitions (default: 5)"
    )
    bench.add_argument("--json", default=None, metavar="FILE", help="also write the numbers")
    bench.add_argument(
        "--plot", default=None, metavar="FILE.png", help="also draw the ratios (matplotlib)"
    )
    bench.set_defaults(func=run_bench)


def run_trace(args: argparse.Namespace) -> int:
    files = trace.sources(_sources(args))
    if not files:
        raise common.UsageError("no Python files (*.py) found")
    out = Path(args.out)
    total = trace.Counts()
    with common.bar("tracing", len(files)) as advance:
        for root, path in files:
            total.add(trace.trace_file(root, path, out))
            advance()
    print(f"{total.summary()}; programs under {out}/")
    return 0


def run_bench(args: argparse.Namespace) -> int:
    from arenacheck.workloads import bench

    if args.repeat < 1:
        raise common.UsageError(f"--repeat must be at least 1, not {args.repeat}")
    if args.files < 0:
        raise common.UsageError(f"--files must be 0 (all) or more, not {args.files}")
    if args.plot is not None and not optional.available("matplotlib"):
        raise common.UsageError(f"--plot needs matplotlib: {optional.install_hint('matplotlib')}")
    work = bench.workload(_sources(args), args.files or None)
    if not work.files:
        raise common.UsageError("no Python files that parse found")
    report = bench.bench(work, args.repeat)
    print(bench.table(report))
    if args.json:
        Path(args.json).write_text(report.json() + "\n")
    if args.plot:
        bench.plot(report, Path(args.plot))
        print(f"chart written to {args.plot}")
    return 0
