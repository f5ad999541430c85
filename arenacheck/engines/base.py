"""What every engine shares: the interface (``Engine``), the request (``Job``), the result
(``Outcome``), and how a run shares its time between the structures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from arenacheck.engines.load import ImplSpec
from arenacheck.implementation import Implementation
from arenacheck.report import DEFAULT_OUT
from arenacheck.runner import Stats, ViolationFound
from arenacheck.strict import NONE, Strictness
from arenacheck.vocabulary import STRUCTURES, Structure

#: How a run shares its time between the structures: alists have far more to explore.
SHARES: dict[Structure, float] = {"alist": 2 / 3, "intervals": 1 / 3}


def shares(structures: tuple[Structure, ...], seconds: float) -> dict[Structure, float]:
    """``seconds`` split between ``structures`` by ``SHARES``."""
    total = sum(SHARES[s] for s in structures)
    return {s: seconds * SHARES[s] / total for s in structures}


#: Progress of one task of a run: ``(task, seconds elapsed, seconds planned, counts so far)``.
Progress = Callable[[str, float, float, str], object]


def quiet(task: str, elapsed: float, total: float, text: str) -> None:
    """No progress display."""


@dataclass(frozen=True)
class Job:
    """One engine run: the implementation, the structures and the seconds for them, where
    failing programs go, the strict decisions, and the settings of each engine (ignored by the
    others)."""

    spec: ImplSpec
    structures: tuple[Structure, ...] = STRUCTURES
    seconds: float = 60.0
    out: Path = Path(DEFAULT_OUT)
    strict: Strictness = NONE
    progress: Progress = quiet
    # stateful
    seed: int | None = None
    profile: str | None = None
    backend: str = "hypothesis"
    # fuzz
    jobs: int = 1
    corpus: Path | None = None  # None: a temporary corpus, gone after the run
    seeds: bool = True
    libfuzzer: tuple[str, ...] = ()
    # prove
    timeout: float = 5.0
    max_paths: int | None = None
    # exhaust: the bounds of each structure (``exhaust.Bounds``; none: ``CHECK_BOUNDS``)
    bounds: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """What one engine found on one structure (``public`` for prove's contracts), in the terms
    every engine shares: its work, a violation with its shrunk program, the program files it
    wrote, and whether a replay of them reproduces what it found."""

    engine: str
    structure: str
    seconds: float
    stats: Stats = field(default_factory=Stats)
    summary: str = ""  # the engine's own counts, in one phrase
    found: ViolationFound | None = None
    written: list[Path] = field(default_factory=list)
    reproduced: bool | None = None  # None: nothing to reproduce
    error: str = ""  # the engine could not do its work: never a clean run
    notes: list[str] = field(default_factory=list)  # more to say, a line each

    @property
    def failed(self) -> bool:
        return self.found is not None or bool(self.written) or bool(self.error)


class Engine(Protocol):
    """An engine: its name, why it cannot run on a spec here (None when it can), and a run."""

    name: str

    def unavailable(self, spec: ImplSpec) -> str | None: ...

    def run(self, job: Job, impl: Implementation) -> list[Outcome]: ...
