#!/usr/bin/env python3
"""Regenerate the seed corpora in arenacheck/seeds/: real programs encoded as the bytes that
decode to them — the regression corpus (arenacheck/corpus/), examples from the stateful engine,
and the start of each program ``arenacheck trace`` makes of the standard library's ``tomllib``
(real code) — and those starts themselves, as a program sequence per structure, where the
stateful machines begin some examples (``resources.starts``).

    .venv/bin/python fuzz/make_seeds.py        (make seeds)
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from hypothesis import Phase, seed, settings
from hypothesis.stateful import get_state_machine_test

import arenacheck.model
from arenacheck import resources
from arenacheck.engines.fuzz.decode import encode
from arenacheck.engines.stateful import machine_for, profile
from arenacheck.program import Program, dumps_all, read
from arenacheck.structures import STRUCTURES
from arenacheck.workloads import trace

ROOT = Path(__file__).resolve().parent.parent
SEEDS = resources.root() / "seeds"
EXAMPLES = 40  # stateful examples per structure


def stateful_examples(structure: str) -> list[Program]:
    """Programs the stateful machine generates against the model (which never fails)."""
    programs: list[Program] = []

    class Recording(machine_for(structure, arenacheck.model)):  # type: ignore[misc]
        def teardown(self) -> None:
            super().teardown()
            programs.append(self.drive.program())

    run = settings(profile("ci"), max_examples=EXAMPLES, database=None, phases=[Phase.generate])
    seed(2026)(get_state_machine_test(Recording, settings=run))()
    return programs


def traced(structure: str) -> list[Program]:
    """The starts of the programs traced from ``tomllib`` (intervals: then a build)."""
    starts = trace.traced_starts(structure)
    if structure == "intervals":
        return [Program("intervals", [*p.ops, {"op": "build"}]) for p in starts]
    return list(starts)


def write_starts() -> None:
    """The traced starts, for the stateful machines (and the Python that traced them: another
    version's ``tomllib`` traces differently)."""
    folder = SEEDS / "starts"
    folder.mkdir(parents=True, exist_ok=True)
    for structure in STRUCTURES:
        (folder / f"{structure}.jsonl").write_text(dumps_all(trace.traced_starts(structure)))
    (folder / "python.txt").write_text(f"{sys.version_info[0]}.{sys.version_info[1]}\n")


def main() -> None:
    shutil.rmtree(SEEDS, ignore_errors=True)
    write_starts()
    for structure in STRUCTURES:
        corpus = [read(p) for p in resources.corpus()]
        programs = [p for p in corpus if p.structure == structure]
        programs += stateful_examples(structure)
        programs += traced(structure)
        folder = SEEDS / structure
        folder.mkdir(parents=True)
        for program in programs:
            data = encode(program)
            if data:
                (folder / f"{hashlib.sha1(data).hexdigest()[:16]}").write_bytes(data)
        print(f"{structure}: {len(list(folder.iterdir()))} seeds in {folder.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
