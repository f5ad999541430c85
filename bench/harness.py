"""The harness's own speed in process, side by side with another checkout of the project.

Run: ``.venv/bin/python bench/harness.py --against DIR`` (``make bench-harness AGAINST=DIR``),
where DIR is another checkout (``git worktree add DIR COMMIT``). Each repetition runs every
workload once in a fresh process per checkout, the checkouts alternating; the table shows each
workload's median checked operations per second and the ratio this/other (docs/design.md):

- *replay*: ``bench/protocol.py``'s fixed alist and interval programs through the drive loop, on
  the bundled implementation in process (the in-process row of ``make bench-protocol``);
- *stateful*: a seeded stateful run of both machines, 40 examples each (``bench/ledger.py``);
- *fuzz decode+run*: 2,000 fixed byte strings per structure decoded and run, as a fuzz target
  does (``bench/ledger.py``);
- *exhaust*: check's exhaust phase (both structures), programs per second.

A workload reaches each checkout's code through names both have had; nothing here is timed
across a process start. ``--build`` picks the bundled implementation's build (``pure`` by
default: a checkout from before the compiled build has only that one, and the harness's cost is
what is compared, not the implementation's).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 7
EXAMPLES = 40
INPUTS = [bytes(random.Random(n).randrange(256) for _ in range(48)) for n in range(2000)]


def _run_program() -> Callable[..., Any]:
    try:
        from arenacheck.drive import run_program
    except ImportError:  # a checkout from before the drive loop
        from arenacheck.runner import run_program  # type: ignore[import-not-found,no-redef]
    return run_program


def replay(tree: Path) -> float:
    import arenacheck.impl

    spec = importlib.util.spec_from_file_location("protocol_bench", tree / "bench" / "protocol.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = random.Random(7)
    programs = [module.alist_program(rng) for _ in range(20)]
    programs += [module.intervals_program(rng) for _ in range(4)]
    run_program = _run_program()
    operations, started = 0, time.perf_counter()
    for program in programs:
        verdict = run_program(program, arenacheck.impl)
        assert verdict.violation is None
        operations += len(program.ops)
    return operations / (time.perf_counter() - started)


def stateful(tree: Path) -> float:
    import arenacheck.impl
    from arenacheck.engines import stateful

    operations, started = 0, time.perf_counter()
    for structure in ("alist", "intervals"):
        settings = stateful.profile("ci")
        outcome = stateful.run(structure, arenacheck.impl, 0.0, 7, settings, batch=EXAMPLES)
        operations += outcome.stats.operations
    return operations / (time.perf_counter() - started)


def fuzzing(tree: Path) -> float:
    import arenacheck.impl
    from arenacheck.engines.fuzz.decode import run_bytes

    operations, started = 0, time.perf_counter()
    for structure in ("alist", "intervals"):
        for data in INPUTS:
            operations += run_bytes(structure, data, arenacheck.impl).stats.operations
    return operations / (time.perf_counter() - started)


def exhausting(tree: Path) -> float:
    from arenacheck.engines import exhaust
    from arenacheck.strict import NONE

    try:
        from arenacheck.targets import ImplSpec
    except ImportError:
        from arenacheck.engines.load import ImplSpec  # type: ignore[import-not-found,no-redef]
    spec = ImplSpec()
    programs, started = 0, time.perf_counter()
    for structure, bounds in exhaust.CHECK_BOUNDS.items():
        impl = spec.load((structure,))
        certificate, found = exhaust.run(impl, spec, bounds, NONE)
        assert found is None
        programs += certificate.total
    return programs / (time.perf_counter() - started)


WORKLOADS: dict[str, Callable[[Path], float]] = {
    "replay (ops/s)": replay,
    "stateful (ops/s)": stateful,
    "fuzz decode+run (ops/s)": fuzzing,
    "exhaust, check's bounds (programs/s)": exhausting,
}


def measure(tree: Path) -> dict[str, float]:
    """Every workload once in this process (after a first, untimed run of each)."""
    for work in WORKLOADS.values():
        work(tree)
    return {name: work(tree) for name, work in WORKLOADS.items()}


def _child(tree: Path, build: str) -> dict[str, float]:
    environ = {**os.environ, "PYTHONPATH": str(tree), "ARENACHECK_PROFILE": "ci"}
    environ["ARENACHECK_BUILD"] = build
    argv = [sys.executable, __file__, "--measure", str(tree)]
    done = subprocess.run(argv, capture_output=True, text=True, env=environ, check=True, cwd=tree)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", type=Path, help="another checkout to compare with")
    parser.add_argument("--repeat", type=int, default=REPEATS)
    parser.add_argument("--build", choices=("pure", "compiled", "auto"), default="pure")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    trees = [ROOT, *([args.against.resolve()] if args.against else [])]
    runs: dict[Path, list[dict[str, float]]] = {tree: [] for tree in trees}
    for _ in range(args.repeat):
        for tree in trees:
            runs[tree].append(_child(tree, args.build))
    names = ["this", *(["other", "this/other"] if args.against else [])]
    print(
        f"{'workload (medians of ' + str(args.repeat) + ')':40}"
        + "".join(f"{n:>12}" for n in names)
    )
    for name in WORKLOADS:
        medians = [statistics.median(r[name] for r in runs[tree]) for tree in trees]
        cells = [f"{m:12.0f}" for m in medians]
        if args.against:
            cells.append(f"{medians[0] / medians[1]:12.3f}")
        print(f"{name:40}" + "".join(cells))


if __name__ == "__main__":
    main()
