"""What an operation of the program language is: one class per operation, one instance of it in
the registry (``arenacheck.ops``). This is the extension API (``EXTENSION_API``): a user's
operation is a subclass registered like the bundled ones (docs/design.md, "Adding an
operation").

An operation declares its fields and their domains, the version that introduced it, whether it
defines the next alist variable, and the shape of its protocol reply; and it says, in one place,
everything the harness does with it:

- programs: the static checks a program line gets (``complaint``, ``effect``);
- running: the laws checked when it runs (``check``, on a session: both sides, in lockstep), how
  it is made on one side with nothing checked (``perform``: the interpreter, the protocol
  server, the benchmarks), what a protocol server answers (``answer``), and how a builder call
  on the far side of the protocol becomes its line (``calls``, ``remote``);
- the ledger: its forms (``forms``, and ``form`` of one operation in the state it runs in),
  and the classes of its fields' domains it reaches (``reaches``, ``reached``: from the
  domains' declarations);
- the engines: every operation exhaust enumerates in a state (``alphabet``), a program that
  ends in each of its forms and one for each class of its fields (``witness``,
  ``class_witness``: the forms engine), how the stateful machine draws it (``moves``;
  ``setup`` and ``prelude``: what begins an example; ``finish``: what ends it), how often the
  fuzz decoder picks it (``weight``, ``available``), which pairs of it commute (``commutes``:
  exhaust runs one order), the keys it names (``keys``: exhaust's relabelling), and what
  prove's contracts do with it (``proved``).
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from arenacheck.domains import VAR, Domain, is_int
from arenacheck.structures import MISSING, Op, Structure

if TYPE_CHECKING:
    from arenacheck.ops.draw import Move
    from arenacheck.sessions.base import Session

#: The version of the operation interface below: an extension states the one it was written for
#: (``Operation.api``), and a registry of another refuses it (``arenacheck.ops.register``).
EXTENSION_API = 1


def fields(**domains: Domain) -> Mapping[str, Domain]:
    """An operation's fields and their domains, in order (read only: shared by every line)."""
    return MappingProxyType(domains)


@dataclass
class Shape:
    """What a program holds so far, as far as a line's validity depends on it: the alist
    variables defined (EMPTY included), and whether an interval map was built."""

    defined: int = 1
    built: bool = False


@dataclass(frozen=True)
class Small:
    """The small domain exhaust enumerates over, and the state a program reached: what an
    operation's ``alphabet`` draws its lines from."""

    session: Any
    keys: Sequence[Any]  # the alist keys (sorted)
    values: Sequence[Any]
    full: bool  # every form, or the set forms alone
    foreign: Any  # a key of a foreign type
    bad_handles: Sequence[Any]
    runs: Sequence[tuple[int, int]]  # (start, step) of the short runs
    afters: Sequence[int]  # where a raising combine raises
    indices: Sequence[int]
    scopes: Sequence[int]  # the scopes a record may use now
    bad_records: Sequence[tuple[Any, Any]]
    long: bool  # the long-run domain
    long_run: int  # its runs' length


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
    #: Whether it opens another builder (version 3): the drive loop gives it a session of its
    #: own, and the lines that name it go there.
    opens: ClassVar[bool] = False
    #: The shape of its protocol reply (``protocol.client.SHAPES``).
    reply: ClassVar[str] = "none"
    #: Optional fields that need a version-2 header to be left out.
    needs_v2_without: ClassVar[tuple[str, ...]] = ()
    #: Optional fields allowed only with another field's value: {field: (other, value)}.
    only_with: ClassVar[Mapping[str, tuple[str, Any]]] = {}
    #: The builder (or map) calls the operation is made by: how the protocol client turns a
    #: call on the far side into this operation's line.
    calls: ClassVar[tuple[str, ...]] = ()
    #: How often the fuzz decoder picks it, against the other operations available.
    weight: ClassVar[int] = 16
    #: What prove's public-operation contracts do with it (docs/proving.md).
    proved: ClassVar[str] = "not in prove's contracts: the other engines check it"
    #: The extension interface the operation was written for.
    api: ClassVar[int] = EXTENSION_API

    @property
    def fields(self) -> dict[str, Domain]:
        return {**self.required, **self.optional}

    def __repr__(self) -> str:
        return f"<operation {self.structure}:{self.name}>"

    def line(self, **fields: Any) -> dict[str, Any]:
        """A program line of this operation."""
        return {"op": self.name, **fields}

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
        if self.reply == "value":
            return {"value": done.value}
        return {}

    def remote(self, method: str, wire: Any, args: Sequence[Any]) -> dict[str, Any]:
        """The line a builder call ``method(*args)`` on the far side of the protocol sends: the
        arguments are the fields in order, a handle becoming its wire variable
        (``wire(handle)``)."""
        given = dict(zip(self.fields, args, strict=False))  # (optional fields may be left out)
        return self.line(**{n: wire(v) if self.fields[n] is VAR else v for n, v in given.items()})

    # The ledger.

    @cached_property
    def classified(self) -> tuple[tuple[str, Domain], ...]:
        """The fields whose domain has classes the ledger counts."""
        return tuple((n, d) for n, d in self.fields.items() if d.classify is not None)

    def reaches(self) -> list[str]:
        """Every class of every classified field, as the ledger names it
        (``OPERATION.FIELD:CLASS``)."""
        return [f"{self.name}.{n}:{c}" for n, d in self.classified for c, _ in d.classes]

    @cached_property
    def _labels(self) -> tuple[tuple[str, Any, Mapping[str, str]], ...]:
        """Each classified field, its classifier, and the ledger's label of each class."""
        return tuple(
            (n, d.classify, {c: f"{self.name}.{n}:{c}" for c, _ in d.classes})
            for n, d in self.classified
        )

    def reached(self, op: Op) -> list[str]:
        """The classes ``op``'s fields fall in (a value outside its domain, none)."""
        found = []
        for name, classify, labels in self._labels:
            named = classify(op.get(name))
            if named is not None:
                found.append(labels[named])
        return found

    def forms(self) -> list[str]:
        """Every form of the operation, in the order the ledger lists them."""
        return [self.name]

    def form(self, session: Session, op: Op) -> str:
        """The form of ``op`` in ``session``'s state (before it runs)."""
        return self.name

    # The engines.

    def alphabet(self, small: Small) -> list[Op]:
        """Every line of the operation exhaust enumerates in ``small``'s state and domain."""
        return []

    def starts(self, small: Small) -> list[Op]:
        """The lines a long-run program starts with (exhaust's ``--long`` domain)."""
        return []

    def witness(self, form: str) -> list[Op]:
        """A program whose last line is of ``form`` (the forms engine runs one per form)."""
        raise NotImplementedError(f"{self.name}: no program for the form {form}")

    def class_witness(self, label: str) -> list[Op]:
        """A program whose last line of this operation reaches ``label`` (one of ``reaches``):
        the witness of the operation's first form, that line's field set to the class's
        sample."""
        name, _, named = label.partition(".")[2].partition(":")
        sample = dict(dict(self.classified)[name].classes)[named]
        program: list[Op] = list(self.witness(self.forms()[0]))
        last = max(i for i, op in enumerate(program) if op["op"] == self.name)
        program[last] = {**program[last], name: sample}
        return program

    def moves(self) -> dict[str, Move]:
        """How the stateful machine draws the operation, by name: each a rule of its own."""
        return {}

    def finish(self, session: Any) -> list[Op]:
        """What a stateful example ends with before its end-of-program checks."""
        return []

    def setup(self, draw: Any, aim: Any) -> None:
        """What a stateful example draws before its first move (into ``aim.memo``)."""

    def prelude(self, draw: Any, aim: Any) -> Generator[Op, int | None, None]:
        """What a stateful example may begin with, after every operation's ``setup`` and
        before its first move, drawn as a move is (none, unless the operation says)."""
        yield from ()

    def available(self, session: Any) -> bool:
        """Whether the operation may come now (an interval map's reads need the map)."""
        return True

    def commutes(self, op: Op, session: Any) -> tuple[str, Any] | None:
        """Which operations ``op`` commutes with in ``session``'s state, as a class and a key:
        two operations of one class in a row, the model cannot tell apart in either order, so
        exhaust runs them in the order of their keys alone. None: it commutes with nothing."""
        return None

    def keys(self, op: Op) -> list[Any]:
        """The int keys ``op`` names (exhaust relabels them)."""
        key = op.get("key")
        return [key] if is_int(key) else []
