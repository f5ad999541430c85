"""The optimized arena implementations, exporting the same names as ``arenacheck.model``.

Two builds of the same algorithms: the compiled one (``arenacheck.impl.compiled``: C extension
types, built by ``pip install`` where a C compiler is present) and the pure one
(``arenacheck.impl.pure``: ``kernels.py``, ``alist.py``, ``intervals.py``, what CrossHair proves
and mutation testing mutates). This package exports the compiled build when it is built and the
pure one otherwise; ``BUILD`` names the one it exports and ``WHY`` says why.
``ARENACHECK_BUILD=pure`` forces the pure build, ``ARENACHECK_BUILD=compiled`` fails the import
where the compiled one is missing (docs/design.md, "Two builds").
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import TYPE_CHECKING

#: The values ``ARENACHECK_BUILD`` may take; ``auto`` (or unset) prefers the compiled build.
CHOICES = ("auto", "compiled", "pure")


def _select() -> tuple[ModuleType, str]:
    """The build to export, and why it was chosen."""
    wanted = os.environ.get("ARENACHECK_BUILD", "auto") or "auto"
    if wanted not in CHOICES:
        raise ImportError(f"ARENACHECK_BUILD={wanted!r}: expected one of {', '.join(CHOICES)}")
    if wanted == "pure":
        from arenacheck.impl import pure

        return pure, "ARENACHECK_BUILD=pure"
    try:
        from arenacheck.impl import compiled
    except ImportError as err:
        if wanted == "compiled":
            raise
        from arenacheck.impl import pure

        return pure, f"no compiled build here: {err}"
    return compiled, "built at install"


_chosen, WHY = _select()
#: ``"compiled"`` or ``"pure"``: the build this package exports.
BUILD: str = _chosen.BUILD

if TYPE_CHECKING:  # both builds have one API; the pure build's classes declare it
    from arenacheck.impl.alist import EMPTY, ListBuilder, ListStorage
    from arenacheck.impl.intervals import IntervalMap, IntervalMapBuilder
else:
    EMPTY = _chosen.EMPTY
    ListBuilder = _chosen.ListBuilder
    ListStorage = _chosen.ListStorage
    IntervalMap = _chosen.IntervalMap
    IntervalMapBuilder = _chosen.IntervalMapBuilder


#: What ``--impl`` calls the bundled implementation's builds: the one this package exports, each
#: by name.
NAMES = ("arenacheck.impl", "arenacheck.impl.compiled", "arenacheck.impl.pure")


def provable(name: str) -> str:
    """The implementation CrossHair runs when asked to run ``name``: for the bundled one, always the
    pure build (CrossHair executes Python; a symbolic int must never reach C), else ``name``."""
    return "arenacheck.impl.pure" if name in NAMES else name


def describe() -> str:
    """One line naming the build this package runs, for ``arenacheck --version`` and ``bench``."""
    return f"arenacheck.impl: the {BUILD} build ({WHY})"


__all__ = ["EMPTY", "IntervalMap", "IntervalMapBuilder", "ListBuilder", "ListStorage"]
