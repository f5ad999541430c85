"""The registry of operations: every operation of the program language, one module each
(``ops/alist/``, ``ops/intervals/``), and nothing else names one.

The program reader, the sessions, the interpreter, the protocol, the ledger and the engines
iterate the registry; an operation is added by writing its module and registering it. The
bundled operations register when the registry is first read, so importing a single operation
module (or this package) costs nothing more.
"""

from __future__ import annotations

import importlib

from arenacheck.ops.base import Done, Operation, Shape
from arenacheck.structures import STRUCTURES, Structure

__all__ = [
    "Done",
    "Operation",
    "Shape",
    "changes",
    "defining",
    "operation",
    "operations",
    "register",
    "unregister",
]

#: The packages whose modules hold the bundled operations, in the order programs list them.
BUNDLED = ("arenacheck.ops.alist", "arenacheck.ops.intervals")

_REGISTRY: dict[Structure, dict[str, Operation]] = {s: {} for s in STRUCTURES}
_loaded = False
_changes = 0


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for package in BUNDLED:
            importlib.import_module(package)


def register(operation: Operation) -> Operation:
    """Add ``operation`` to the registry of its structure; ``ValueError`` if one of that name is
    there already (an operation's meaning never changes under a program)."""
    table = _REGISTRY[operation.structure]
    if operation.name in table and table[operation.name] is not operation:
        raise ValueError(f"{operation.structure} operation {operation.name!r} already exists")
    table[operation.name] = operation
    _changed()
    return operation


def _changed() -> None:
    global _changes
    _changes += 1


def changes() -> int:
    """How many times the registry changed: what a table derived from it is kept against."""
    _load()
    return _changes


def unregister(operation: Operation) -> None:
    """Take ``operation`` out of the registry again (a test's own operation, when it ends)."""
    _REGISTRY[operation.structure].pop(operation.name, None)
    _changed()


def operations(structure: Structure) -> dict[str, Operation]:
    """The operations of ``structure``, by name, in registration order."""
    _load()
    return _REGISTRY[structure]


def operation(structure: Structure, name: object) -> Operation | None:
    """The operation ``name`` of ``structure``, or None."""
    return operations(structure).get(name) if isinstance(name, str) else None


def defining(structure: Structure) -> frozenset[str]:
    """The operations whose success defines the next alist variable."""
    return frozenset(name for name, op in operations(structure).items() if op.defines)
