"""Throughput of the program protocol (SPEC §4): how fast ``--impl-cmd`` checks an implementation.

Run: ``.venv/bin/python bench/protocol.py`` (``make bench-protocol``; it builds the C example).
One fixed workload of alist and interval programs runs through every target, alternately, several
times; the table shows medians:

- *checked ops/s*: program operations per second through ``run_program``, model and every law
  check included (what ``check`` and ``replay`` achieve);
- *round trips/s*: request/reply pairs per second with no checking at all (the protocol alone:
  the runner's own reads add several round trips per operation);
- the ratio of checked throughput to the in-process implementation.
"""

from __future__ import annotations

import random
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

from arenacheck import impl as bundled
from arenacheck.drive import run_program
from arenacheck.program import Program
from arenacheck.protocol.client import External

REPEATS = 5
ROOT = Path(__file__).resolve().parent.parent
ADAPTER = ROOT / "examples" / "c" / "build" / "adapter"


def alist_program(rng: random.Random) -> Program:
    """Five lists grown mostly in increasing key order, merged, and read back."""
    ops: list[dict[str, object]] = []
    heads = [0] * 5
    for key in range(60):
        lane = rng.randrange(5)
        ops.append({"op": "insert", "src": heads[lane], "key": key, "value": rng.randrange(9)})
        heads[lane] = len([op for op in ops if op["op"] != "items"])
        if key % 6 == 5:
            a, b = rng.sample(heads, 2)
            kind = rng.choice(["union", "intersect"])
            ops.append({"op": kind, "a": a, "b": b, "combine": rng.choice(["left", "max"])})
            ops.append({"op": "items", "var": a})
    return Program("alist", ops)


def intervals_program(rng: random.Random) -> Program:
    """300 records in visiting order with a few jumps back, a build, and 100 lookups."""
    ops: list[dict[str, object]] = []
    scopes: dict[int, int] = {}
    scope = 0
    for index in range(300):
        scope = scope if rng.random() < 0.9 else rng.randrange(20)
        at = max(0, index - rng.randrange(5)) if rng.random() < 0.05 else index
        ops.append({"op": "record", "index": at, "scope": scopes.setdefault(at, scope)})
    ops.append({"op": "build"})
    ops += [{"op": "lookup", "index": rng.randrange(-2, 305)} for _ in range(100)]
    return Program("intervals", ops)


def workload() -> list[Program]:
    rng = random.Random(2026)
    return [alist_program(rng) for _ in range(40)] + [intervals_program(rng) for _ in range(10)]


def checked(target: object, programs: list[Program]) -> float:
    started = time.perf_counter()
    for program in programs:
        verdict = run_program(program, target)
        assert verdict.ok, verdict.violation and verdict.violation.describe()
    return sum(len(p.ops) for p in programs) / (time.perf_counter() - started)


def round_trips(external: External, programs: list[Program]) -> float:
    """The program lines sent as they are, each waiting for its reply: no model, no checks."""
    import json

    external.close()
    child, count = external.child, 0
    started = time.perf_counter()
    for program in programs:
        child.write(json.dumps({"program": program.structure, "version": 1}))
        for op in program.ops:
            child.exchange(json.dumps(op))
            count += 1
    return count / (time.perf_counter() - started)


def main() -> None:
    python = shlex.quote(sys.executable)
    targets: dict[str, object] = {"in-process arenacheck.impl": bundled}
    targets["serve --impl arenacheck.impl"] = External(
        f"{python} -m arenacheck serve --impl arenacheck.impl"
    )
    targets["serve --impl arenacheck.model"] = External(f"{python} -m arenacheck serve")
    if (
        subprocess.run(["make", "-s", "-C", str(ADAPTER.parent.parent)], check=False).returncode
        == 0
    ):
        targets["C example adapter"] = External(str(ADAPTER))
    else:
        print("(the C example did not build: skipped)")
    programs = workload()
    rates: dict[str, list[float]] = {name: [] for name in targets}
    trips: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(REPEATS):
        for name, target in targets.items():
            rates[name].append(checked(target, programs))
            if isinstance(target, External):
                trips[name].append(round_trips(target, programs))
    operations = sum(len(p.ops) for p in programs)
    print(
        f"{len(programs)} programs, {operations} operations; medians of {REPEATS} alternating runs"
    )
    print(f"{'target':<32} {'checked ops/s':>14} {'vs in-process':>14} {'round trips/s':>14}")
    base = statistics.median(rates["in-process arenacheck.impl"])
    for name in targets:
        rate = statistics.median(rates[name])
        trip = f"{statistics.median(trips[name]):>14,.0f}" if trips[name] else f"{'-':>14}"
        print(f"{name:<32} {rate:>14,.0f} {rate / base:>13.2f}x {trip}")
    for target in targets.values():
        if isinstance(target, External):
            target.close()


if __name__ == "__main__":
    main()
