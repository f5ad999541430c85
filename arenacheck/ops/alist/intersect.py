"""``intersect``: the keys in both lists, ``combine(first, second)`` for each (SPEC §2); without
a combine, the set form keeps the first list's values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from arenacheck.model.alist import intersect_cells
from arenacheck.ops.alist.merge import Merge
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.sessions.alist import Var


class Intersect(Merge):
    name = "intersect"
    calls = ("intersect", "intersect_with")

    def cells(self, inputs: Sequence[Var], op: Op, result: list[tuple[Any, Any]]) -> int:
        return intersect_cells(result)


OPERATION = Intersect()
