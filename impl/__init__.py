"""The optimized arena implementations, exporting the same names as ``arenacheck.model``."""

from arenacheck.impl.alist import EMPTY, ListBuilder, ListStorage
from arenacheck.impl.intervals import IntervalMap, IntervalMapBuilder

__all__ = ["EMPTY", "IntervalMap", "IntervalMapBuilder", "ListBuilder", "ListStorage"]
