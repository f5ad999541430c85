"""``build`` trusts that records arrive sorted and skips the sort: right for straight-line code,
wrong as soon as a comprehension or a decorator records out of order."""

from arenacheck import impl
from arenacheck.impl import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"normal form", "bad input", "contents", "order independence"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> impl.IntervalMap:
        if self._finished:
            return super().build()
        built = impl.IntervalMap(*impl.intervals.coalesce(list(self._records)))  # the bug
        self._finished = True
        return built
