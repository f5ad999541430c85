"""Measuring the harness: every engine, alone, against every planted bug of the gallery, and
against every legal variant.

``arenacheck selftest`` runs each engine separately on each gallery bug for a budget and reports
a matrix, bug by engine → caught (in how long, under which law) or missed. A bug that every engine
misses is a hole in the harness: the run fails. It runs each engine on each legal variant too
(implementations that use a freedom SPEC leaves them): there every cell must stay clean, and a
variant flagged by any engine is a false alarm: the run fails as well. Both galleries live in a
source checkout (``tests/gallery``, ``tests/variants``), beside the package.
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

from arenacheck.loader import ImplSpec, from_file
from arenacheck.program import STRUCTURES, Program, Structure, read
from arenacheck.runner import run_program

ROOT = Path(__file__).resolve().parent.parent / "tests"
GALLERY = ROOT / "gallery"
VARIANTS = ROOT / "variants"
ENGINES = ("stateful", "fuzz", "prove", "external")


@dataclass
class Cell:
    """One engine on one bug (or legal variant)."""

    caught: bool
    seconds: float
    law: str = ""
    note: str = ""
    legal: bool = False  # a legal variant: a catch is a false alarm, nothing found is right

    def describe(self) -> str:
        if self.note:
            return self.note
        if self.legal:
            return f"FALSE ALARM {self.seconds:.1f} s ({self.law})" if self.caught else "clean"
        return f"caught {self.seconds:.1f} s ({self.law})" if self.caught else "missed"


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")


def bugs() -> list[Path]:
    """The gallery's bugs (implementations with one planted bug each)."""
    return _modules(GALLERY)


def variants() -> list[Path]:
    """The legal variants (implementations that use one freedom SPEC leaves each)."""
    return _modules(VARIANTS)


def structures_of(subject: ModuleType) -> tuple[Structure, ...]:
    """The structures a gallery module implements (``STRUCTURE``: one, or ``both``)."""
    return STRUCTURES if subject.STRUCTURE == "both" else (subject.STRUCTURE,)


def is_process(subject: ModuleType) -> bool:
    """A protocol adapter (``PROCESS``), checked through ``--impl-cmd`` only."""
    return bool(getattr(subject, "PROCESS", False))


def command(path: Path, subject: ModuleType) -> str:
    """The command that serves ``subject`` over the protocol: itself if it is an adapter, else
    ``arenacheck serve``."""
    python = shlex.quote(sys.executable)
    if is_process(subject):
        return f"{python} {shlex.quote(str(path))}"
    return f"{python} -m arenacheck serve --impl {shlex.quote(str(path))}"


def _per_structure(
    subject: ModuleType, budget: float, run: Callable[[Structure, float], Cell]
) -> Cell:
    """``run`` on each structure of ``subject`` for its share of ``budget``; the first catch."""
    structures = structures_of(subject)
    spent = 0.0
    for structure in structures:
        cell = run(structure, budget / len(structures))
        spent += cell.seconds
        if cell.caught or cell.note:
            return dataclasses.replace(cell, seconds=spent)
    return Cell(False, spent)


def _stateful(path: Path, subject: ModuleType, budget: float) -> Cell:
    if is_process(subject):
        return Cell(False, 0.0, note="n/a (a process: see external)")
    backend = getattr(subject, "BACKEND", "hypothesis")
    return _per_structure(subject, budget, lambda s, b: _machines(s, subject, b, backend))


def _machines(structure: Structure, impl: Any, budget: float, backend: str = "hypothesis") -> Cell:
    """The stateful engine on ``impl`` for ``budget`` seconds, seed 0."""
    from arenacheck import stateful

    outcome = stateful.run(structure, impl, budget, seed_value=0, backend=backend)
    found = outcome.found
    return Cell(found is not None, outcome.seconds, found.violation.law if found else "")


def _fuzz(path: Path, subject: ModuleType, budget: float) -> Cell:
    from arenacheck.cli import _atheris_available
    from arenacheck.fuzzjobs import FuzzPlan, fuzz

    if not _atheris_available():
        return Cell(False, 0.0, note="n/a (atheris not installed)")
    spec = ImplSpec(command=command(path, subject)) if is_process(subject) else ImplSpec(str(path))

    def one(structure: Structure, seconds: float) -> Cell:
        with tempfile.TemporaryDirectory() as scratch:
            plan = FuzzPlan(1, Path(scratch) / "corpus", Path(scratch) / "out", spec, [])
            outcome = fuzz(structure, seconds, plan, lambda progress, seconds: None)
            law = _law(read(outcome.programs[0]), spec) if outcome.programs else ""
            if not outcome.failed and not outcome.progress.runs:
                return Cell(False, outcome.seconds, note="error: the fuzzer ran nothing")
            return Cell(outcome.failed, outcome.seconds, law)

    return _per_structure(subject, budget, one)


def _prove(path: Path, subject: ModuleType, budget: float) -> Cell:
    from arenacheck import contracts, prove

    if not prove.available():
        return Cell(False, 0.0, note="n/a (CrossHair not installed)")
    if is_process(subject):
        return Cell(False, 0.0, note="n/a (a process: nothing to execute symbolically)")
    contracts.IMPL = subject
    tasks = prove.public_tasks(structures_of(subject))
    started = time.monotonic()
    for result in prove.prove(tasks, budget / len(tasks), budget + 1):
        if result.verdict == prove.COUNTEREXAMPLE:
            law = _law(result.program, ImplSpec(str(path))) if result.program else "contract"
            return Cell(True, time.monotonic() - started, law)
        if result.failed:
            return Cell(False, time.monotonic() - started, note=f"error: {result.verdict}")
    return Cell(False, time.monotonic() - started)


def _external(path: Path, subject: ModuleType, budget: float) -> Cell:
    """The stateful engine through the protocol: the subject served by ``arenacheck serve``, or
    the adapter itself."""
    from arenacheck.external import External

    external = External(command(path, subject))
    try:
        return _per_structure(subject, budget, lambda s, b: _machines(s, external, b))
    finally:
        external.close()


def _law(program: Program, spec: ImplSpec) -> str:
    """The law the runner reports when it replays an engine's program on the subject."""
    impl = spec.load()
    try:
        violation = run_program(program, impl).violation
    finally:
        close = getattr(impl, "close", None)
        if close is not None:
            close()
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
    legal: bool = False,
) -> dict[str, dict[str, Cell]]:
    """The matrix: for each bug (or, ``legal``, each variant), for each engine, what that engine
    alone found in ``budget``."""
    matrix: dict[str, dict[str, Cell]] = {}
    for path in paths:
        row = matrix.setdefault(path.stem, {})
        for engine in engines:
            row[engine] = cell(path, engine, budget, legal)
            on_cell(path.stem, engine, row[engine])
    return matrix


def cell(path: Path, engine: str, budget: float, legal: bool = False) -> Cell:
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
    return dataclasses.replace(Cell(**json.loads(lines[-1])), legal=legal)


def _main(path: str, engine: str, budget: str) -> None:
    try:
        result = RUNNERS[engine](Path(path), from_file(Path(path)), float(budget))
    except Exception as err:  # an engine that cannot run on this subject is not a catch
        result = Cell(False, 0.0, note=f"error: {type(err).__name__}: {err}")
    print(json.dumps(dataclasses.asdict(result)))


def escaped(matrix: dict[str, dict[str, Cell]]) -> list[str]:
    """The bugs no engine caught."""
    return [bug for bug, row in matrix.items() if not any(c.caught for c in row.values())]


def false_alarms(matrix: dict[str, dict[str, Cell]]) -> list[str]:
    """The legal variants some engine flagged (or could not run on)."""
    return [
        name
        for name, row in matrix.items()
        if any(c.caught or c.note.startswith("error") for c in row.values())
    ]


def markdown(
    matrix: dict[str, dict[str, Cell]],
    engines: tuple[str, ...],
    budget: float,
    variants: dict[str, dict[str, Cell]] | None = None,
) -> str:
    """The matrices as Markdown tables, for docs/detection.md: the bugs, then the legal
    variants (a row each, every cell of which must read clean)."""
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
    if variants:
        lines += ["", f"| legal variant | {' | '.join(engines)} |", f"|---|{'---|' * len(engines)}"]
        for name, row in variants.items():
            lines.append(f"| `{name}` | " + " | ".join(row[e].describe() for e in engines) + " |")
        clean = len(variants) - len(false_alarms(variants))
        lines += ["", f"{clean} of {len(variants)} legal variants passed every engine."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    _main(*sys.argv[1:4])
