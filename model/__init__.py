"""The reference models: the executable specification every implementation is checked against."""

from arenacheck.model.alist import EMPTY, ListBuilder, ListStorage
from arenacheck.model.intervals import IntervalMap, IntervalMapBuilder

__all__ = ["EMPTY", "IntervalMap", "IntervalMapBuilder", "ListBuilder", "ListStorage"]
