"""The two structures a program is of, and what an operation is as data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

Structure = Literal["alist", "intervals"]
STRUCTURES: tuple[Structure, ...] = ("alist", "intervals")
#: One operation of a program, as data: ``{"op": NAME, FIELD: VALUE, ...}`` (SPEC §4).
Op = Mapping[str, Any]

#: ``get``'s answer for a key that is not there (``None`` is a value a list may hold).
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()
#: A variable whose defining operation failed (numbering is static: it still takes its number).
FAILED: Any = type("Failed", (), {"__repr__": lambda self: "<failed>"})()
