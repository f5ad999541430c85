"""Measuring the harness: every engine, alone, against every planted bug of the gallery, and
against every legal variant.

``arenacheck selftest`` runs each engine separately on each gallery bug for a budget and reports
a matrix, bug by engine → caught (in how long, under which law) or missed. A bug that every engine
misses is a hole in the harness: the run fails. It runs each engine on each legal variant too
(implementations that use a freedom SPEC leaves them): there every cell must stay clean, and a
variant flagged by any engine is a false alarm: the run fails as well. Both galleries ship with
the package (``arenacheck.resources``), so an installed wheel can measure itself.
"""

from __future__ import annotations

import dataclasses
import json
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from arenacheck import resources
from arenacheck.engines import NAMES, engine
from arenacheck.engines.base import Job, Outcome
from arenacheck.implementation import from_file
from arenacheck.structures import STRUCTURES, Structure
from arenacheck.targets import ImplSpec

#: The engine served over the protocol in the ``external`` column.
SERVED = "stateful"
#: The columns: each engine alone (the forms engine is check's fixed set: not a detector of its
#: own), and the stateful engine through the protocol.
ENGINES = (*(name for name in NAMES if name != "forms"), "external")


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


def bugs() -> list[Path]:
    """The gallery's bugs (implementations with one planted bug each)."""
    return resources.bugs()


def variants() -> list[Path]:
    """The legal variants (implementations that use one freedom SPEC leaves each)."""
    return resources.variants()


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


def spec_of(path: Path, subject: ModuleType, served: bool = False) -> ImplSpec:
    """How to check ``subject``: as a module, or through the protocol (an adapter always)."""
    if served or is_process(subject):
        return ImplSpec(command=command(path, subject))
    return ImplSpec(str(path))


def _cell(outcomes: list[Outcome]) -> Cell:
    """What an engine's outcomes say of a subject: caught (under which law) or not."""
    seconds = sum(o.seconds for o in outcomes)
    for outcome in outcomes:
        if outcome.failure is not None:
            return Cell(True, seconds, outcome.failure.law)
        if outcome.error:
            return Cell(False, seconds, note=f"error: {outcome.error}")
    return Cell(False, seconds)


def _run(name: str, path: Path, budget: float) -> Cell:
    """Engine ``name`` (``external``: the stateful one through the protocol) alone on the
    subject at ``path`` for ``budget`` seconds, with the settings the engine takes for it."""
    subject = from_file(path)
    spec = spec_of(path, subject, served=name == "external")
    which = engine(SERVED if name == "external" else name)
    if name == SERVED and is_process(subject):
        return Cell(False, 0.0, note="n/a (a process: see external)")
    reason = which.unavailable(spec)
    if reason is not None:
        return Cell(False, 0.0, note=f"n/a ({reason})")
    structures = structures_of(subject)
    settings = which.for_subject(subject, structures)
    if isinstance(settings, str):
        return Cell(False, 0.0, note=settings)
    with tempfile.TemporaryDirectory() as scratch:
        job = Job(spec, structures, budget, out=Path(scratch), settings={which.name: settings})
        impl = spec.load(job.structures)
        try:
            return _cell(which.run(job, impl))
        finally:
            impl.close()


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
        for name in engines:
            row[name] = cell(path, name, budget, legal)
            on_cell(path.stem, name, row[name])
    return matrix


def cell(path: Path, name: str, budget: float, legal: bool = False) -> Cell:
    """One engine on one bug, in a process of its own: engines leave global state behind
    (CrossHair's solver crashed once in a long run of many cells in one process), and a crash
    must cost one cell, not the matrix."""
    argv = [sys.executable, "-m", "arenacheck.engines.selftest", str(path), name, repr(budget)]
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=budget * 4 + 120, check=False
        )
    except subprocess.TimeoutExpired:
        return Cell(False, budget, note="error: the engine did not stop")
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = " | ".join(done.stderr.strip().splitlines()[-2:])
        return Cell(False, 0.0, note=f"error: exited with status {done.returncode}: {tail}")
    return dataclasses.replace(Cell(**json.loads(lines[-1])), legal=legal)


def _main(path: str, engine_name: str, budget: str) -> None:
    try:
        result = _run(engine_name, Path(path), float(budget))
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
