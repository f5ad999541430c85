"""Every builder records into one array the process keeps, not an array of its own: a builder
made after another starts with the records made before it. No program shows it alone in a fresh
process; a program that runs after others in the same process does (its map, or the map rebuilt
from its records reversed, holds records it never made): the violation is reported with the
programs that ran before it, as a program sequence."""

from array import array

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"unexpected error", "normal form"}
#: A violation needs earlier programs in the same process: its witnesses are program sequences,
#: replayed in a fresh process.
ALONE = False
#: The bounds at which exhaust (many programs in one process) finds it, at up to max_ops.
EXHAUST = {"max_ops": 2, "keys": 1, "scopes": 2}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]

_SHARED = array("Q")


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def __init__(self) -> None:
        super().__init__()
        self._records = _SHARED  # the bug: one array for every builder of the process
