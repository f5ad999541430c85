"""``union``: the keys in either list, ``combine(first, second)`` for keys in both (SPEC §2);
without a combine, the set form keeps the first list's values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from arenacheck.model.alist import union_cells
from arenacheck.ops.alist.merge import Merge
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.sessions.alist import Var


class Union(Merge):
    name = "union"
    calls = ("union", "union_with")

    def cells(self, inputs: Sequence[Var], op: Op, result: list[tuple[Any, Any]]) -> int:
        return union_cells(inputs[0].items, inputs[1].items, result)


OPERATION = Union()
