"""The pure build: the Python modules ``kernels.py``, ``alist.py`` and ``intervals.py``.

The build CrossHair proves (its kernels are plain functions over plain data) and mutation testing
mutates; ``--impl arenacheck.impl.pure`` checks it whether or not the compiled build is present.
"""

from arenacheck.impl.alist import EMPTY, Entry, ListBuilder, ListStorage
from arenacheck.impl.intervals import IntervalMap, IntervalMapBuilder

BUILD = "pure"

__all__ = [
    "BUILD",
    "EMPTY",
    "Entry",
    "IntervalMap",
    "IntervalMapBuilder",
    "ListBuilder",
    "ListStorage",
]
