"""What an operation of the program language is: one class per operation, one instance of it in
the registry (``arenacheck.ops``).

An operation declares its fields and their domains, the version that introduced it, whether it
defines the next alist variable, and the shape of its protocol reply; and it says, in one place,
everything the harness does with it: the static checks a program line gets (``complaint``), the
laws checked when it runs (``check``, on a session: both sides, in lockstep), how it is made on
one side with nothing checked (``perform``: the interpreter, the protocol server, the
benchmarks), what a protocol server answers (``answer``), and its ledger forms (``forms``, and
``form`` of one operation in the state it runs in).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from arenacheck.domains import Domain
from arenacheck.structures import MISSING, Op, Structure

if TYPE_CHECKING:
    from arenacheck.sessions.base import Session


def fields(**domains: Domain) -> Mapping[str, Domain]:
    """An operation's fields and their domains, in order (read only: shared by every line)."""
    return MappingProxyType(domains)


@dataclass
class Shape:
    """What a program holds so far, as far as a line's validity depends on it: the alist
    variables defined (EMPTY included), and whether an interval map was built."""

    defined: int = 1
    built: bool = False


@dataclass
class Done:
    """What one operation did on one side: the list it defined or read (``handle``), each
    ``extend`` step's handle and cell count, a value it read (``MISSING`` if none), or what a
    map answered (``answer``)."""

    handle: Any = None
    steps: list[tuple[Any, int]] = field(default_factory=list)
    value: Any = MISSING
    answer: Any = None


class Operation:
    """One operation: declared fields, and what each part of the harness does with it."""

    structure: ClassVar[Structure]
    name: ClassVar[str]
    required: ClassVar[Mapping[str, Domain]] = {}
    optional: ClassVar[Mapping[str, Domain]] = {}
    #: The program version that introduced the operation.
    version: ClassVar[int] = 1
    #: Whether its success defines the next alist variable (the n-th defines variable n).
    defines: ClassVar[bool] = False
    #: The shape of its protocol reply (``protocol.client.SHAPES``).
    reply: ClassVar[str] = "none"
    #: Optional fields that need a version-2 header to be left out.
    needs_v2_without: ClassVar[tuple[str, ...]] = ()
    #: Optional fields allowed only with another field's value: {field: (other, value)}.
    only_with: ClassVar[Mapping[str, tuple[str, Any]]] = {}

    @property
    def fields(self) -> dict[str, Domain]:
        return {**self.required, **self.optional}

    def __repr__(self) -> str:
        return f"<operation {self.structure}:{self.name}>"

    # Programs as data.

    def complaint(self, op: Op, shape: Shape, version: int) -> str | None:
        """Why ``op`` cannot come here (beyond its fields' domains), or None."""
        return None

    def effect(self, shape: Shape) -> None:
        """What ``op`` changes in the program's shape (a definition is counted for it)."""

    # Running.

    def check(self, session: Any, op: Op) -> None:
        """Make ``op`` on both sides of ``session`` and check every law it can break."""
        raise NotImplementedError(f"{self.name}: no check")

    def perform(self, side: Any, op: Op) -> Done:
        """Make ``op`` on one side (``interpreter.ListProgram`` or ``MapProgram``), nothing
        checked; a raise is the implementation's."""
        raise NotImplementedError(f"{self.name}: cannot be performed")

    def answer(self, side: Any, done: Done) -> dict[str, Any]:
        """What a protocol server replies after ``perform`` (SPEC §4), by the reply's shape."""
        return {}

    # The ledger.

    def forms(self) -> list[str]:
        """Every form of the operation, in the order the ledger lists them."""
        return [self.name]

    def form(self, session: Session, op: Op) -> str:
        """The form of ``op`` in ``session``'s state (before it runs)."""
        return self.name
