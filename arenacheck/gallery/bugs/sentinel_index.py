"""``record`` silently drops one exact index: the builder uses ``0xA5A5A5A5`` as the marker of a
deleted slot, and a record that happens to carry it vanishes. Random indices almost never hit it
(one in four billion); a solver does: this bug is the Hypothesis CrossHair backend's to find
(``check --backend crosshair``)."""

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"bad input", "contents", "normal form"}
BACKEND = "crosshair"  # the engine that finds it: a computed value out of random reach
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]

#: 0xA5A5A5A5, computed: Hypothesis draws the int literals of the code it runs now and then
#: (its "local constants"), so a literal would be in random generation's reach.
SENTINEL = int.from_bytes(b"\xa5" * 4, "big")
EXHAUST = None  # no small domain holds the sentinel: out of exhaust's reach


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def record(self, index: int, scope: int) -> None:
        if index == SENTINEL:
            return  # the bug: the marker of a deleted slot is taken for one
        super().record(index, scope)
