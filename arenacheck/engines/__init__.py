"""The engines: each generates programs (or symbolic inputs) and hands them to the drive loop;
none checks a law itself.

One interface (``base.Engine``: its settings and options, how ``check`` schedules it, whether it
can run here, and a run), one request (``Job``), one result (``Outcome``), and this registry,
so that ``check``'s plan, ``selftest`` and the commands treat every engine alike: adding an
engine is its module and one line here. The engines' modules load their packages (Hypothesis,
atheris, CrossHair) only when they run, and this package imports nothing at all until an engine
is asked for: a fuzz target process must import the implementation under its coverage
instrumentation, before anything else has.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arenacheck.engines.base import Engine

#: The engines, by name, in the order ``check`` runs them, and the module that holds each
#: (imported when first asked for; each module's ``ENGINE``).
MODULES = {
    "exhaust": "arenacheck.engines.exhaust.engine",
    "forms": "arenacheck.engines.forms",
    "stateful": "arenacheck.engines.stateful.engine",
    "fuzz": "arenacheck.engines.fuzz.engine",
    "prove": "arenacheck.engines.prove.engine",
}
NAMES = tuple(MODULES)


def engine(name: str) -> Engine:
    """The engine called ``name``."""
    found: Engine = importlib.import_module(MODULES[name]).ENGINE
    return found


def engines() -> list[Engine]:
    """Every engine, in ``check``'s order."""
    return [engine(name) for name in NAMES]
