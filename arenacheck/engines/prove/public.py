"""Contracts on an implementation's public operations: templates, bound to the implementation
under proof.

Each function here runs ``IMPL``, which this module leaves ``None``: ``bind(template, impl)``
makes a copy of a template whose globals hold ``IMPL = impl``, so the implementation is passed
explicitly and no module global ever holds it. The program entry points (``alist_program``,
``intervals_program``) run it through the runner itself: every law the runner checks is their
postcondition. ``impl_program`` is diffed with ``model_program``: every variable's contents after
the same program, through the interpreter.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from arenacheck.drive import run_program
from arenacheck.engines.prove.contracts import (  # noqa: F401 - the conditions below use them
    INDICES,
    Entries,
    alist_ops,
    intervals_ops,
    small,
)
from arenacheck.implementation import Implementation
from arenacheck.interpreter import ListProgram
from arenacheck.model import alist as model_alist
from arenacheck.model import intervals as model_intervals  # noqa: F401 - the conditions use it
from arenacheck.program import Program
from arenacheck.structures import Op, Structure

#: Never the implementation under proof: each copy ``bind`` makes has globals of its own that hold
#: it. Calling a template itself fails.
IMPL: Any = None


def clean(impl: Implementation, structure: Structure, ops: list[Op]) -> bool:
    """Whether ``impl`` runs the program with every law of the runner kept."""
    return run_program(Program(structure, ops), impl).ok


def alist_program(steps: list[tuple[int, int, int, int]]) -> list[Op]:
    """Any short program of inserts, replaces and merges keeps every alist law on ``IMPL``.

    pre: len(steps) <= 4
    post: clean(IMPL, "alist", __return__)
    """
    return alist_ops(steps)


def map_lookup(records: list[tuple[int, int]], index: int) -> Any:
    """``IMPL``'s built map answers the lookup law at any index (SPEC §3.1 laws 1-2): the public
    ``record``, ``build`` and ``get``, on any records.

    pre: len(records) <= 5 and small(records) and -1 <= index <= INDICES
    pre: len({i for i, _ in records}) == len(records)
    post: __return__ == model_intervals.lookup(dict(records), sorted(dict(records)), index)
    """
    builder = IMPL.IntervalMapBuilder()
    for i, s in records:
        builder.record(i, s)
    return builder.build().get(index)


def intervals_program(records: list[tuple[int, int]], lookups: list[int]) -> list[Op]:
    """Any records, a build and any lookups keep every interval law on ``IMPL``.

    pre: len(records) <= 5 and len(lookups) <= 3 and small(records)
    pre: all(-1 <= index <= INDICES for index in lookups)
    post: clean(IMPL, "intervals", __return__)
    """
    return intervals_ops(records, lookups)


def contents(builder: Any, empty: Any, ops: list[Op]) -> list[Entries]:
    """Every variable's contents after ``ops`` on ``builder`` (the interpreter's run)."""
    program = ListProgram(builder, empty)
    return [program.reader.items(h) for h in program.run(ops)]


def impl_program(steps: list[tuple[int, int, int, int]]) -> Any:
    """Every variable's contents after a small program on ``IMPL``."""
    return contents(IMPL.ListBuilder(), IMPL.EMPTY, alist_ops(steps))


def model_program(steps: list[tuple[int, int, int, int]]) -> Any:
    return contents(model_alist.ListBuilder(), model_alist.EMPTY, alist_ops(steps))


#: The contracts, by structure, and the diffs ``(implementation side, model side, what)``.
CONTRACTS: dict[Structure, list[Callable[..., Any]]] = {
    "alist": [alist_program],
    "intervals": [intervals_program, map_lookup],
}
DIFFS: dict[Structure, list[tuple[Callable[..., Any], Callable[..., Any], str]]] = {
    "alist": [(impl_program, model_program, "programs: every variable's contents")],
    "intervals": [],
}


def bind(template: Callable[..., Any], impl: Implementation) -> Callable[..., Any]:
    """A copy of ``template`` that runs ``impl``: the same code (CrossHair reads its source and
    conditions as the template's), with globals of its own that hold ``IMPL``."""
    scope = {**template.__globals__, "IMPL": impl}
    copy = types.FunctionType(
        template.__code__, scope, template.__name__, template.__defaults__, template.__closure__
    )
    copy.__doc__, copy.__module__ = template.__doc__, template.__module__
    copy.__qualname__, copy.__annotations__ = template.__qualname__, template.__annotations__
    return copy
