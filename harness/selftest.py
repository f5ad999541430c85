"""Measuring the harness: every engine, alone, against every planted bug of the gallery.

``arenacheck selftest`` runs each engine separately on each gallery bug for a budget and reports
a matrix, bug by engine → caught (in how long, under which law) or missed. A bug that every engine
misses is a hole in the harness: the run fails. The gallery lives in a source checkout
(``tests/gallery``), beside the package.
"""

from __future__ import annotations

import dataclasses
import json
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from arenacheck.loader import ImplSpec, load
from arenacheck.program import Program, Structure, read
from arenacheck.runner import run_program

GALLERY = Path(__file__).resolve().parent.parent / "tests" / "gallery"
ENGINES = ("stateful", "fuzz", "prove", "external")


@dataclass
class Cell:
    """One engine on one bug."""

    caught: bool
    seconds: float
    law: str = ""
    note: str = ""

    def describe(self) -> str:
        if self.note:
            return self.note
        return f"caught {self.seconds:.1f} s ({self.law})" if self.caught else "missed"


def bugs() -> list[Path]:
    """The gallery's bugs (implementations with one planted bug each)."""
    return sorted(p for p in GALLERY.glob("*.py") if p.name != "__init__.py")


def _stateful(path: Path, bug: ModuleType, budget: float) -> Cell:
    backend = getattr(bug, "BACKEND", "hypothesis")
    return _machines(bug.STRUCTURE, bug, budget, backend)


def _machines(structure: Structure, impl: Any, budget: float, backend: str = "hypothesis") -> Cell:
    """The stateful engine on ``impl`` for ``budget`` seconds, seed 0."""
    from arenacheck import stateful

    outcome = stateful.run(structure, impl, budget, seed_value=0, backend=backend)
    found = outcome.found
    return Cell(found is not None, outcome.seconds, found.violation.law if found else "")


def _fuzz(path: Path, bug: ModuleType, budget: float) -> Cell:
    from arenacheck.cli import _atheris_available
    from arenacheck.fuzzjobs import FuzzPlan, fuzz

    if not _atheris_available():
        return Cell(False, 0.0, note="n/a (atheris not installed)")
    with tempfile.TemporaryDirectory() as scratch:
        plan = FuzzPlan(1, Path(scratch) / "corpus", Path(scratch) / "out", ImplSpec(str(path)), [])
        outcome = fuzz(bug.STRUCTURE, budget, plan, lambda progress, seconds: None)
        law = _law(read(outcome.programs[0]), bug) if outcome.programs else ""
        return Cell(outcome.failed, outcome.seconds, law)


def _prove(path: Path, bug: ModuleType, budget: float) -> Cell:
    from arenacheck import contracts, prove

    if not prove.available():
        return Cell(False, 0.0, note="n/a (CrossHair not installed)")
    contracts.IMPL = bug
    tasks = prove.public_tasks((bug.STRUCTURE,))
    started = time.monotonic()
    for result in prove.prove(tasks, budget / len(tasks), budget + 1):
        if result.verdict == prove.COUNTEREXAMPLE:
            law = _law(result.program, bug) if result.program else "contract"
            return Cell(True, time.monotonic() - started, law)
    return Cell(False, time.monotonic() - started)


def _external(path: Path, bug: ModuleType, budget: float) -> Cell:
    """The stateful engine through the protocol: the bug served by ``arenacheck serve``."""
    from arenacheck.external import External

    command = f"{shlex.quote(sys.executable)} -m arenacheck serve --impl {shlex.quote(str(path))}"
    external = External(command)
    try:
        return _machines(bug.STRUCTURE, external, budget)
    finally:
        external.close()


def _law(program: Program, bug: ModuleType) -> str:
    """The law the runner reports when it replays an engine's program on the bug."""
    violation = run_program(program, bug).violation
    return violation.law if violation else "(does not replay)"


RUNNERS: dict[str, Callable[[Path, ModuleType, float], Cell]] = {
    "stateful": _stateful,
    "fuzz": _fuzz,
    "prove": _prove,
    "external": _external,
}


def run(
    paths: list[Path],
    engines: tuple[str, ...],
    budget: float,
    on_cell: Callable[[str, str, Cell], Any] = lambda bug, engine, cell: None,
) -> dict[str, dict[str, Cell]]:
    """The matrix: for each bug, for each engine, what that engine alone found in ``budget``."""
    matrix: dict[str, dict[str, Cell]] = {}
    for path in paths:
        row = matrix.setdefault(path.stem, {})
        for engine in engines:
            row[engine] = cell(path, engine, budget)
            on_cell(path.stem, engine, row[engine])
    return matrix


def cell(path: Path, engine: str, budget: float) -> Cell:
    """One engine on one bug, in a process of its own: engines leave global state behind
    (CrossHair's solver crashed once in a long run of many cells in one process), and a crash
    must cost one cell, not the matrix."""
    command = [sys.executable, "-m", "arenacheck.selftest", str(path), engine, repr(budget)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=budget * 4 + 120, check=False
        )
    except subprocess.TimeoutExpired:
        return Cell(False, budget, note="error: the engine did not stop")
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = " | ".join(done.stderr.strip().splitlines()[-2:])
        return Cell(False, 0.0, note=f"error: exited with status {done.returncode}: {tail}")
    return Cell(**json.loads(lines[-1]))


def _main(path: str, engine: str, budget: str) -> None:
    try:
        result = RUNNERS[engine](Path(path), load(path), float(budget))
    except Exception as err:  # an engine that cannot run on this bug is not a catch
        result = Cell(False, 0.0, note=f"error: {type(err).__name__}: {err}")
    print(json.dumps(dataclasses.asdict(result)))


def escaped(matrix: dict[str, dict[str, Cell]]) -> list[str]:
    """The bugs no engine caught."""
    return [bug for bug, row in matrix.items() if not any(c.caught for c in row.values())]


def markdown(matrix: dict[str, dict[str, Cell]], engines: tuple[str, ...], budget: float) -> str:
    """The matrix as a Markdown table, for docs/detection.md."""
    lines = [
        f"| bug | {' | '.join(engines)} |",
        f"|---|{'---|' * len(engines)}",
    ]
    for bug, row in matrix.items():
        lines.append(f"| `{bug}` | " + " | ".join(row[e].describe() for e in engines) + " |")
    caught = len(matrix) - len(escaped(matrix))
    lines.append("")
    lines.append(
        f"{caught} of {len(matrix)} bugs caught by at least one engine, {budget:g} s per engine "
        "per bug."
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    _main(*sys.argv[1:4])
