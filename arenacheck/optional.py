"""The one probe for optional packages: the core imports nothing beyond the standard library, and
each engine's package (atheris, CrossHair, hypothesis-crosshair, the benchmark contenders,
matplotlib) is asked for here, by name, with the extra that installs it."""

from __future__ import annotations

import importlib.util
from functools import cache

#: The optional packages by import name, with the ``pip install 'arenacheck[EXTRA]'`` extra that
#: brings each.
EXTRAS: dict[str, str] = {
    "atheris": "fuzz",
    "crosshair": "prove",
    "hypothesis_crosshair_provider": "prove",
    "matplotlib": "plot",
    "sortedcontainers": "bench",
    "portion": "bench",
    "intervaltree": "bench",
    "immutables": "bench",
}


@cache
def available(package: str) -> bool:
    """Whether ``package`` can be imported here (found, not imported: the probe is cheap)."""
    try:
        return importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):
        return False


def install_hint(package: str) -> str:
    """How to get ``package``: the extra that installs it."""
    return f"pip install 'arenacheck[{EXTRAS.get(package, package)}]'"
