"""What the interval-map operations share: their structure, the order a program keeps — records
before the build, reads after it (SPEC §4) — and the records the forms engine starts from."""

from __future__ import annotations

from typing import Any, ClassVar

from arenacheck.ops.base import Operation, Shape
from arenacheck.structures import Op, Structure

#: The forms engine's records: two of one scope with a gap, then one of another scope.
RECORDS: list[Op] = [
    {"op": "record", "index": 10, "scope": 1},
    {"op": "record", "index": 12, "scope": 1},
    {"op": "record", "index": 14, "scope": 2},
]
BUILD: Op = {"op": "build"}


class MapOperation(Operation):
    structure: ClassVar[Structure] = "intervals"


class MapRead(MapOperation):
    """A read of the built map: valid only after a build; it changes nothing, so two reads in a
    row commute (exhaust runs them in one order)."""

    def complaint(self, op: Op, shape: Shape, version: int) -> str | None:
        return None if shape.built else f"{self.name} before any build"

    def available(self, session: Any) -> bool:
        return bool(session.built)

    def commutes(self, op: Op, session: Any) -> tuple[str, Any] | None:
        from arenacheck.ops import operations

        rank = list(operations("intervals")).index(self.name)
        return ("reads of a built map", (rank, op.get("index", 0)))

    def witness(self, form: str) -> list[Op]:
        return [*RECORDS, BUILD, self.line()]
