"""What the interval-map operations share: their structure, and the order a program keeps —
records before the build, reads after it (SPEC §4)."""

from __future__ import annotations

from typing import ClassVar

from arenacheck.ops.base import Operation, Shape
from arenacheck.structures import Op, Structure


class MapOperation(Operation):
    structure: ClassVar[Structure] = "intervals"


class MapRead(MapOperation):
    """A read of the built map: valid only after a build."""

    def complaint(self, op: Op, shape: Shape, version: int) -> str | None:
        return None if shape.built else f"{self.name} before any build"
