"""What the ledger costs: two engines' throughput with the ledger's counting and without.

Run: ``.venv/bin/python bench/ledger.py`` (``make bench-ledger``). The same work alternates with
the runner as it is (a counter per law, folded by law and form when the form changes, the first
line of each entry, the form of each operation) and with sessions that keep no ledger
(``keeps_ledger``), counting by law only, as before the ledger: seeded stateful runs (both
structures, a fixed number of examples), and the fuzz engine's decoding and running of a
fixed set of random byte strings (its per-input work, without libFuzzer). The table shows medians
of checked operations per second and the cost (docs/ledger.md).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

import arenacheck.impl
from arenacheck import runner
from arenacheck.engines import stateful
from arenacheck.engines.fuzz.decode import Kept, run_bytes

REPEATS = 7
EXAMPLES = 40


def throughput() -> float:
    """Operations per second of a fixed stateful run on the bundled implementation."""
    operations, started = 0, time.perf_counter()
    for structure in ("alist", "intervals"):
        settings = stateful.profile("ci")
        outcome = stateful.run(
            structure,
            arenacheck.impl,
            0.0,
            7,
            settings,
            batch=EXAMPLES,  # type: ignore[arg-type]
        )
        operations += outcome.stats.operations
    return operations / (time.perf_counter() - started)


INPUTS = [bytes(random.Random(n).randrange(256) for _ in range(48)) for n in range(2000)]


def fuzzing() -> float:
    """Operations per second decoding and running fixed byte strings, as a fuzz target does."""
    operations, started = 0, time.perf_counter()
    for structure in ("alist", "intervals"):
        for data in INPUTS:
            stats = run_bytes(structure, data, arenacheck.impl).stats  # type: ignore[arg-type]
            Kept.add(stats)  # the target's run-level ledger (no file: $ARENACHECK_LEDGER unset)
            operations += stats.operations
    return operations / (time.perf_counter() - started)


def main() -> None:
    print(f"{'':34}{'without':>10}{'with':>10}{'cost':>8}")
    engines: list[tuple[str, Callable[[], float]]] = [
        ("stateful (ops/s, medians)", throughput),
        ("fuzz decode+run (ops/s, medians)", fuzzing),
    ]
    for name, work in engines:
        counted: dict[str, list[float]] = {"with": [], "without": []}
        for _ in range(REPEATS):
            runner.Session.keeps_ledger = True
            counted["with"].append(work())
            runner.Session.keeps_ledger = False
            counted["without"].append(work())
        runner.Session.keeps_ledger = True
        a, b = statistics.median(counted["with"]), statistics.median(counted["without"])
        print(f"{name:34}{b:10.0f}{a:10.0f}{(b - a) / b:8.1%}")


if __name__ == "__main__":
    main()
