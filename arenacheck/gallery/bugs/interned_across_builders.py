"""Inserts are interned in one table the process keeps — (list, key, value) to the handle that
insert made — and the table is not per builder: a builder made after another is handed, for an
insert the other made, the other arena's handle. Interning within one builder would be legal
(an equal list may be shared: SPEC's allocation law is a bound); across builders the handle
names a list of another arena. No program shows it alone in a fresh process; one that runs after
others in the same process does: the violation is reported with them, as a program sequence."""

from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, IntervalMapBuilder

STRUCTURE = "alist"
LAWS = {"contents", "unexpected error"}
#: A violation needs earlier programs in the same process: its witnesses are program sequences,
#: replayed in a fresh process.
ALONE = False
#: The bounds at which exhaust (many programs in one process) finds it, at up to max_ops.
EXHAUST = {"max_ops": 2, "keys": 2, "alphabet": "set"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]

_INTERNED: dict[tuple[Any, ...], Any] = {}


class ListBuilder(impl.ListBuilder):
    def insert(self, h: Any, key: Any, value: Any = None) -> Any:
        name = (type(h).__name__, h, type(key).__name__, key, value)
        if not self._finished and name in _INTERNED:
            return _INTERNED[name]  # the bug: a handle of whichever builder made it first
        made = super().insert(h, key, value)
        if isinstance(made, int) and made != h:
            _INTERNED[name] = made
        return made
