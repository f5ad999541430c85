"""One program on one side, with nothing checked: the lists (or the map) it makes.

A session applies a program to an implementation and the model in lockstep and checks laws; the
other places that need a program *run* — the protocol server answering lines, the prover's
contract that compares every variable with the model's, the benchmarks timing real workloads —
use this interpreter. Each operation is made by its own ``perform`` (``arenacheck.ops``), so an
operation means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from arenacheck.errors import ProgramError
from arenacheck.ops import Done, operations
from arenacheck.structures import FAILED, Op

if TYPE_CHECKING:
    from arenacheck.ops.alist.lists import ListOperation


class ListProgram:
    """An alist program's operations on one builder (any object with the builder calls the
    operations make: an implementation's ``ListBuilder``, or a benchmark contender), and the
    variables they define."""

    def __init__(self, builder: Any, empty: Any) -> None:
        self.builder, self.reader, self.empty = builder, builder, empty
        self.vars: list[Any] = [empty]
        self.operations = operations("alist")

    def var(self, number: Any) -> Any:
        if type(number) is not int or not 0 <= number < len(self.vars):
            raise ProgramError(None, f"no variable {number!r}")
        if self.vars[number] is FAILED:
            raise ProgramError(None, f"variable {number} was defined by an operation that failed")
        return self.vars[number]

    def operation(self, op: Op) -> Any:
        found = self.operations.get(op.get("op"))  # type: ignore[arg-type]
        if found is None:
            raise ProgramError(None, f"unknown alist operation {op.get('op')!r}")
        return found

    def apply(self, op: Op) -> Done:
        """Make ``op``; a list-producing one defines the next variable, also when it raises."""
        done: Done = self.operation(op).perform(self, op)
        return done

    def define(self, operation: ListOperation, op: Op) -> Any:
        """Make a list-producing ``op``: the next variable, and its handle."""
        self.vars.append(FAILED)
        handles = [self.var(v) for v in operation.inputs(op)]
        value = op.get("value")
        fn = operation.callback(op, self.builder, value)
        h = operation.call(op, self.builder, handles, fn, value)
        self.vars[-1] = h
        return h

    def list_reply(self, h: Any) -> dict[str, Any]:
        """A protocol reply naming a list: its handle, entries and the arena's cells."""
        items = [list(pair) for pair in self.reader.items(h)]
        return {"handle": h, "items": items, "cells": self.reader.cell_count}

    def run(self, ops: list[Op] | list[Step]) -> list[Any]:
        """Every operation (or compiled step) in turn; the variables (handles) they defined."""
        for op in ops:
            if callable(op):
                op(self)
            else:
                self.apply(op)
        return self.vars


Step = Callable[[ListProgram], object]


def compiled(ops: list[Op]) -> list[Step]:
    """``ops`` as steps, each decided once: a program run many times (a benchmark's) pays for
    reading its operations once, and each step is one call on the builder."""
    table = operations("alist")
    return [_step(table[op["op"]], op) for op in ops]


def _step(operation: Any, op: Op) -> Step:
    """One operation as a step. A plain list-producing one (``direct``) calls its builder method
    directly; the others go through ``apply``. A step that raises ends the run (``apply`` is for
    going on after an error)."""
    plain = operation.direct(op) if hasattr(operation, "direct") else None
    if plain is None:
        return lambda program: program.apply(op)
    method, extra = plain
    first, last = operation.inputs(op)[0], operation.inputs(op)[-1]
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
        self.operations = operations("intervals")

    def built(self) -> Any:
        """The map; a read before a successful build is a malformed program."""
        if self.map is None:
            raise ProgramError(None, "a read before a successful build")
        return self.map

    def apply(self, op: Op) -> Done:
        """Make ``op``; a ``lookup`` answers the scope (``None`` outside the map), ``intervals``
        the ranges, the others nothing (``Done.answer``)."""
        operation = self.operations.get(op.get("op"))  # type: ignore[arg-type]
        if operation is None:
            raise ProgramError(None, f"unknown intervals operation {op.get('op')!r}")
        return operation.perform(self, op)
