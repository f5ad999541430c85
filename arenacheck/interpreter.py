"""One program on one implementation, with nothing checked: the lists (or the map) it makes.

The runner applies a program to an implementation and the model in lockstep and checks laws; the
other places that need a program *run* — the protocol server answering lines, the prover's
contract that compares every variable with the model's, the benchmarks timing real workloads —
use this interpreter, so an operation means the same everywhere (its calls are the vocabulary's:
``make``, ``callback_for``, ``bad_handle_call``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from arenacheck.errors import ProgramError
from arenacheck.vocabulary import (
    ALIST,
    DEFINING,
    Op,
    bad_handle_call,
    callback_for,
    direct,
    inputs,
    make,
    run_keys,
)

#: A variable whose defining operation failed (numbering is static: it still takes its number).
FAILED: Any = type("Failed", (), {"__repr__": lambda self: "<failed>"})()
#: ``get``'s answer for a key that is not there.
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()


@dataclass
class Done:
    """What one operation did: the list it defined or read (``handle``), each ``extend`` step's
    handle and cell count, or the value a ``get`` found (``MISSING`` if none)."""

    handle: Any = None
    steps: list[tuple[Any, int]] = field(default_factory=list)
    value: Any = MISSING


class ListProgram:
    """An alist program's operations on one builder (any object with the builder calls the
    operations make: an implementation's ``ListBuilder``, or a benchmark contender), and the
    variables they define."""

    def __init__(self, builder: Any, empty: Any) -> None:
        self.builder, self.reader, self.empty = builder, builder, empty
        self.vars: list[Any] = [empty]

    def var(self, number: Any) -> Any:
        if type(number) is not int or not 0 <= number < len(self.vars):
            raise ProgramError(None, f"no variable {number!r}")
        if self.vars[number] is FAILED:
            raise ProgramError(None, f"variable {number} was defined by an operation that failed")
        return self.vars[number]

    def apply(self, op: Op) -> Done:
        """Make ``op``; a list-producing one defines the next variable, also when it raises."""
        name = op["op"]
        if name == "extend":
            self.vars.append(FAILED)
            h, steps = self.var(op["src"]), []
            for key in run_keys(op):
                h = self.builder.insert(h, key, op["value"])
                steps.append((h, int(self.builder.cell_count)))
            self.vars[-1] = h
            return Done(h, steps)
        if name in DEFINING:
            return Done(self.define(op))
        if name == "items":
            return Done(self.var(op["var"]))
        if name == "get":
            return Done(value=self.reader.get(self.var(op["var"]), op["key"], MISSING))
        if name == "bad_handle":
            sides = self.builder, self.reader, self.empty
            bad_handle_call(op["call"], op["handle"], op.get("position", 1), *sides)
            return Done()
        if name == "build":
            self.reader = self.builder.build()
            return Done()
        operation = ALIST.get(name)
        if operation is None or operation.reads is None:
            raise ProgramError(None, f"unknown alist operation {name!r}")
        rest = [op[f] for f in operation.fields if f != "var" and f in op]
        return Done(value=getattr(self.reader, operation.reads)(self.var(op["var"]), *rest))

    def define(self, op: Op) -> Any:
        """Make a list-producing ``op`` (not ``extend``): the next variable, and its handle."""
        self.vars.append(FAILED)
        handles = [self.var(v) for v in inputs(op)]
        value = op.get("value")
        h = make(op, self.builder, handles, callback_for(op, self.builder, value), value)
        self.vars[-1] = h
        return h

    def run(self, ops: list[Op] | list[Step]) -> list[Any]:
        """Every operation (or compiled step) in turn; the variables (handles) they defined."""
        for op in ops:
            if callable(op):
                op(self)
            elif op["op"] in DEFINING and op["op"] != "extend":
                self.define(op)
            else:
                self.apply(op)
        return self.vars


Step = Callable[[ListProgram], object]


def compiled(ops: list[Op]) -> list[Step]:
    """``ops`` as steps, each decided once: a program run many times (a benchmark's) pays for
    reading its operations once, and each step is one call on the builder."""
    return [_step(op) for op in ops]


def _step(op: Op) -> Step:
    """One operation as a step. A plain list-producing one (``vocabulary.direct``) calls its
    builder method directly; the others go through ``apply``. A step that raises ends the run
    (``apply`` is for going on after an error)."""
    plain = direct(op)
    if plain is None:
        return lambda program: program.apply(op)
    method, extra = plain
    first, last = inputs(op)[0], inputs(op)[-1]
    if extra:
        [key] = extra

        def insert(program: ListProgram) -> None:
            found = program.vars
            found.append(getattr(program.builder, method)(found[first], key))

        return insert

    def merge(program: ListProgram) -> None:
        found = program.vars
        found.append(getattr(program.builder, method)(found[first], found[last]))

    return merge


class MapProgram:
    """An interval-map program's operations on one builder, and, once built, its map."""

    def __init__(self, builder: Any) -> None:
        self.builder = builder
        self.map: Any = None

    def apply(self, op: Op) -> Any:
        """Make ``op``; a ``lookup`` answers the scope (``None`` outside the map), ``intervals``
        the ranges, the others nothing."""
        name = op["op"]
        if name == "record":
            self.builder.record(op["index"], op["scope"])
            return None
        if name == "build":
            self.map = self.builder.build()
            return None
        if self.map is None:
            raise ProgramError(None, f"{name} before a successful build")
        if name == "lookup":
            return self.map.get(op["index"])
        if name == "intervals":
            return [tuple(r) for r in self.map.intervals()]
        raise ProgramError(None, f"unknown intervals operation {name!r}")
