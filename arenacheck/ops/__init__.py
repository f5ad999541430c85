"""The registry of operations: every operation of the program language, one module each
(``ops/alist/``, ``ops/intervals/``), and nothing else names one.

The program reader, the sessions, the interpreter, the protocol, the ledger and the engines
iterate the registry; an operation is added by writing its module and registering it. The
bundled operations register when the registry is first read, so importing a single operation
module (or this package) costs nothing more.

Users' operations (the extension API, ``ops.base``) come from modules that export
``OPERATIONS`` (a list of ``Operation`` instances): named on the command line (``--ops MODULE``,
which also hands them to every process a run starts, through ``$ARENACHECK_OPS``), or declared
by an installed package in the entry-point group ``arenacheck.operations``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from importlib.metadata import entry_points

from arenacheck.errors import ImplementationLoadError
from arenacheck.ops.base import EXTENSION_API, Done, Operation, Shape
from arenacheck.structures import STRUCTURES, Structure

__all__ = [
    "Done",
    "Operation",
    "Shape",
    "changes",
    "defining",
    "extend",
    "operation",
    "operations",
    "register",
    "unregister",
]

#: The packages whose modules hold the bundled operations, in the order programs list them.
BUNDLED = ("arenacheck.ops.alist", "arenacheck.ops.intervals")
#: The entry-point group an installed package declares its operation modules in.
GROUP = "arenacheck.operations"
#: The operation modules a run hands to the processes it starts (``--ops``), comma-separated.
OPS_ENV = "ARENACHECK_OPS"

_REGISTRY: dict[Structure, dict[str, Operation]] = {s: {} for s in STRUCTURES}
_loaded = False
_changes = 0


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for package in BUNDLED:
            importlib.import_module(package)
        for point in entry_points(group=GROUP):
            extend([point.value])
        named = [m for m in (os.environ.get(OPS_ENV) or "").split(",") if m]
        extend(named)


def extend(modules: Iterable[str]) -> list[Operation]:
    """Register the operations of each module (a dotted name or a ``.py`` path) that exports
    ``OPERATIONS``; every failure is one ``ImplementationLoadError`` naming the module."""
    from arenacheck.implementation import import_module

    _load()
    found: list[Operation] = []
    for name in modules:
        module = import_module(name)
        offered = getattr(module, "OPERATIONS", None)
        if not isinstance(offered, list | tuple) or not all(
            isinstance(op, Operation) for op in offered
        ):
            raise ImplementationLoadError(
                f"operations module {name!r} exports no OPERATIONS list of Operation instances"
            )
        try:
            found += [register(op) for op in offered]
        except ValueError as err:
            raise ImplementationLoadError(f"operations module {name!r}: {err}") from None
    return found


def register(operation: Operation) -> Operation:
    """Add ``operation`` to the registry of its structure; ``ValueError`` if one of that name is
    there already (an operation's meaning never changes under a program), or if it was written
    for another version of the extension interface."""
    if operation.api != EXTENSION_API:
        raise ValueError(
            f"{operation!r} is written for extension API {operation.api}, "
            f"not {EXTENSION_API} (arenacheck.ops.base)"
        )
    if operation.structure not in _REGISTRY:
        raise ValueError(f"{operation!r}: no structure {operation.structure!r}")
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
