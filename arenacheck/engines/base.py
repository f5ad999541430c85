"""What every engine shares: the interface an engine declares (``Engine``), the request
(``Job``), the result (``Outcome``), how a run shares its time between the structures, and how
``check`` schedules an engine (``Whole``, ``Share``, ``Rest``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from arenacheck.failure import Failure
from arenacheck.implementation import Implementation
from arenacheck.report import DEFAULT_OUT
from arenacheck.strict import NONE, Strictness
from arenacheck.structures import STRUCTURES, Structure
from arenacheck.targets import ImplSpec
from arenacheck.verdicts import Stats

#: How a run shares its time between the structures: alists have far more to explore.
SHARES: dict[Structure, float] = {"alist": 2 / 3, "intervals": 1 / 3}
#: Seconds the failure path may spend shrinking a violation an engine found.
SHRINK_SECONDS = 30.0


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
    """One run of engines: the implementation, the structures and the seconds for them, where
    failing programs go and how long to shrink them, the strict decisions, and each engine's own
    settings, by engine name (an engine missing there runs with its defaults)."""

    spec: ImplSpec
    structures: tuple[Structure, ...] = STRUCTURES
    seconds: float = 60.0
    out: Path = Path(DEFAULT_OUT)
    strict: Strictness = NONE
    progress: Progress = quiet
    settings: Mapping[str, Any] = field(default_factory=dict)
    shrink: float = SHRINK_SECONDS

    def settings_of(self, engine: Engine) -> Any:
        """``engine``'s settings for this job."""
        return self.settings.get(engine.name) or engine.Settings()


@dataclass
class Outcome:
    """What one engine found on one structure (``public`` for prove's contracts), in the terms
    every engine shares: its work, the failure path's report of a violation, and an error when
    the engine could not do its work (never a clean run)."""

    engine: str
    structure: str
    seconds: float
    stats: Stats = field(default_factory=Stats)
    summary: str = ""  # the engine's own counts, in one phrase
    failure: Failure | None = None
    error: str = ""
    notes: list[str] = field(default_factory=list)  # more to say, a line each

    @property
    def failed(self) -> bool:
        return self.failure is not None or bool(self.error)


@dataclass(frozen=True)
class Whole:
    """``check`` runs the engine to its end, whatever the budget (deterministic work)."""


@dataclass(frozen=True)
class Share:
    """``check`` gives the engine this share of its budget."""

    fraction: float


@dataclass(frozen=True)
class Rest:
    """``check`` gives the engine what the shares of the others leave."""


Schedule = Whole | Share | Rest


class Engine(Protocol):
    """An engine: its name, its settings (a dataclass, with the command-line options that set
    them), how ``check`` schedules it, why it cannot run on a spec here (None when it can), how
    ``selftest`` runs it on a gallery subject, and a run."""

    name: str

    @property
    def schedule(self) -> Schedule: ...

    @property
    def Settings(self) -> Callable[..., Any]: ...

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The options of ``check`` (and of the engine's own command) that set its settings."""

    def settings(self, args: argparse.Namespace) -> Any:
        """The settings the parsed options ask for; ``ValueError`` for a bad one."""

    def for_subject(self, subject: ModuleType, structures: tuple[Structure, ...]) -> Any:
        """Selftest: the settings to run on a gallery subject (what it declares), or a string
        saying why the engine does not apply to it."""

    def unavailable(self, spec: ImplSpec) -> str | None: ...

    def run(self, job: Job, impl: Implementation) -> list[Outcome]: ...


class NoSettings:
    """The settings of an engine that has none."""


class Declared:
    """An engine's defaults for the parts of the interface it does not need."""

    Settings: Callable[..., Any] = NoSettings

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        return None

    def settings(self, args: argparse.Namespace) -> Any:
        return self.Settings()

    def for_subject(self, subject: ModuleType, structures: tuple[Structure, ...]) -> Any:
        return self.Settings()

    def unavailable(self, spec: ImplSpec) -> str | None:
        return None
