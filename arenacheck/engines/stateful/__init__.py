"""The Hypothesis engine: stateful machines that generate programs one operation at a time
(``machines``), their settings profiles (``profiles``), and the engine that drives them for a
time budget (``engine``).

The public names users import for a test module of their own are here:
``machine_for(structure, impl).TestCase`` and ``profile()``.
"""

from arenacheck.engines.stateful.engine import BACKENDS, backend_available, examples, run
from arenacheck.engines.stateful.machines import AlistMachine, IntervalsMachine, machine_for
from arenacheck.engines.stateful.profiles import PROFILES, profile, profile_name

__all__ = [
    "BACKENDS",
    "PROFILES",
    "AlistMachine",
    "IntervalsMachine",
    "backend_available",
    "examples",
    "machine_for",
    "profile",
    "profile_name",
    "run",
]
