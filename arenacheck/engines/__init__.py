"""The engines: each generates programs (or symbolic inputs) and hands them to the runner; none
checks a law itself.

One interface (``Engine``: whether it can run here, and a run), one request (``Job``: what to
check, for how long, and each engine's own settings), one result (``Outcome``), and one registry
(``engine``), so that ``check``'s plan, ``selftest`` and the commands treat every engine alike.
The engines' modules load their packages (Hypothesis, atheris, CrossHair) only when they run,
and this package imports nothing at all until an engine is asked for: a fuzz target process must
import the implementation under its coverage instrumentation, before anything else has.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arenacheck.engines.base import Engine

#: The engines, by name, and the module that holds each (imported when first asked for).
MODULES = {
    "exhaust": "arenacheck.engines.exhaust",
    "forms": "arenacheck.engines.forms",
    "stateful": "arenacheck.engines.stateful",
    "fuzz": "arenacheck.engines.fuzz.engine",
    "prove": "arenacheck.engines.prove.engine",
}
NAMES = tuple(MODULES)


def engine(name: str) -> Engine:
    """The engine called ``name``."""
    found: Engine = importlib.import_module(MODULES[name]).ENGINE
    return found
