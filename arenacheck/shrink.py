"""Shrinking a failing program, as data: delete operations, then make numbers small.

Every engine ends with a program that breaks a law; this turns it into a minimal one that breaks
the *same* law, using nothing but the runner. Working on programs rather than on an engine's own
choice sequence makes it fast (a candidate costs one run of a short program, not a pass through a
generator) and shared by every engine. It is greedy delta debugging:

1. cut everything after the failing line; delete the costliest operations (long runs), then
   shorten long runs of keys;
2. merge each builder a program opens into the one before it (version 3); delete chunks of
   operations, halving the chunk size down to single operations; deleting an operation that
   defines a variable redirects later uses of it to the list it was made from;
3. move integers towards 0: every number of a field at once, the gaps between them closed to
   one (the order kept, and numbers in a row still in a row); one number everywhere it occurs
   (keys that must stay equal), then each field on its own, each by halving its distance to the
   least number that still fails; repeat while anything shrinks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from arenacheck import laws
from arenacheck.domains import VAR, is_int
from arenacheck.drive import run_program
from arenacheck.errors import ProgramError
from arenacheck.ops import defining, operations
from arenacheck.program import BUILDER, Program, validate
from arenacheck.strict import NONE, Strictness
from arenacheck.structures import Op, Structure
from arenacheck.verdicts import Verdict

#: The domains whose integers are worth moving towards 0 (``count`` goes towards 1, first).
SHRINKABLE = frozenset({"key", "value", "start", "after", "index", "scope"})


def numbers(structure: Structure) -> tuple[str, ...]:
    """The integer fields worth moving towards 0: the registry's fields of those domains."""
    fields = operations(structure).values()
    return tuple(sorted({f for op in fields for f, d in op.fields.items() if d.name in SHRINKABLE}))


def variables(structure: Structure) -> frozenset[str]:
    """The fields that name an alist variable."""
    fields = operations(structure).values()
    return frozenset(f for op in fields for f, d in op.fields.items() if d is VAR)


class DoesNotFail(ValueError):
    """The program to shrink keeps every law when run alone: nothing to shrink."""


@dataclass
class Shrunk:
    """The smallest program found, its verdict, and whether shrinking finished (no candidate of
    a whole pass broke the law: the program is minimal for the shrinker) or ran out of time."""

    program: Program
    verdict: Verdict
    finished: bool


def shrink(
    program: Program, impl: object, budget: float = 30.0, strict: Strictness = NONE
) -> Shrunk:
    """The smallest program found within ``budget`` seconds that breaks the same law (under the
    same ``strict`` decisions); ``DoesNotFail`` if the program keeps every law.

    A recursion failure (law 6) shrinks to the exact run length at which the stack runs out
    *in this process*; another context (a fuzz target's instrumented frames, a replay) may have a
    few frames more room, so such a program gets its long runs doubled before it is written:
    it must replay anywhere.
    """
    verdict = run_program(program, impl, strict)
    if verdict.violation is None:
        raise DoesNotFail("the program does not fail: nothing to shrink")
    law = verdict.violation.law
    deadline = time.monotonic() + budget

    def failing(candidate: list[Op]) -> Verdict | None:
        attempt = Program(program.structure, candidate)
        try:
            validate(attempt)
            result = run_program(attempt, impl, strict)
        except ProgramError:
            return None
        return result if result.violation is not None and result.violation.law == law else None

    ops = list(program.ops)
    line = verdict.violation.line
    if line - 1 < len(ops):  # the violation is at an operation, not at the end checks
        cut = ops[: line - 1]
        if (found := failing(cut)) is not None:
            ops, verdict = cut, found
    while True:  # rounds of every phase, until one finds nothing smaller that fails
        changed = False
        for phase in PHASES:
            resume = 0  # after a success, the phase goes on from where it was, not from the top
            while True:
                for position, candidate in enumerate(phase(program.structure, ops)):
                    if position < resume:
                        continue
                    if time.monotonic() >= deadline:
                        return _end(program, ops, verdict, False, law, failing)
                    if (found := failing(candidate)) is not None:
                        ops, verdict, changed, resume = candidate, found, True, position
                        break
                else:
                    break  # the phase is spent: the next one
        if not changed:  # a whole round, and no smaller candidate fails: minimal
            return _end(program, ops, verdict, True, law, failing)


def _end(
    program: Program,
    ops: list[Op],
    verdict: Verdict,
    finished: bool,
    law: str,
    failing: Callable[[list[Op]], Verdict | None],
) -> Shrunk:
    """What shrinking ends with; a recursion failure moved back from the edge of the stack."""
    if law == laws.NO_RECURSION:  # shrunk to the edge of the stack: move back from it
        roomy = [{**op, "count": op["count"] * 2} if op.get("count", 0) >= 8 else op for op in ops]
        if (found := failing(roomy)) is not None:
            ops, verdict = roomy, found
    return Shrunk(Program(program.structure, ops), verdict, finished)


def _costly(structure: Structure, ops: list[Op]) -> Iterator[list[Op]]:
    """Without the costliest operations (long runs, most keys first: they make every later
    candidate cheaper — a run of 2,000 decreasing keys costs two million cells — so shrinking
    finishes on a slow implementation)."""
    costly = sorted(
        (i for i, op in enumerate(ops) if op.get("count", 0) >= 8), key=lambda i: -ops[i]["count"]
    )
    for index in costly:
        yield _without(structure, ops, {index})


def _shorter_runs(structure: Structure, ops: list[Op]) -> Iterator[list[Op]]:
    for index, op in enumerate(ops):
        for count in _smaller(op.get("count"), floor=1):
            yield [*ops[:index], {**op, "count": count}, *ops[index + 1 :]]


def _cuts(structure: Structure, ops: list[Op]) -> Iterator[list[Op]]:
    """Without chunks of operations, the biggest first."""
    size = len(ops) // 2
    while size >= 1:
        for start in range(0, len(ops), size):
            yield _without(structure, ops, set(range(start, min(start + size, len(ops)))))
        size //= 2


def _compact(structure: Structure, ops: list[Op]) -> Iterator[list[Op]]:
    """Every number of a field at once, the gaps between them closed (order and runs kept)."""
    for name in numbers(structure):
        compact = _compacted([op[name] for op in ops if is_int(op.get(name))])
        if any(old != new for old, new in compact.items()):
            yield [_with(op, name, compact) for op in ops]


def _equal_numbers(structure: Structure, ops: list[Op]) -> Iterator[list[Op]]:
    """One number smaller in every operation at once (keys that must stay equal)."""
    names = numbers(structure)
    fields = {(n, op[n]) for op in ops for n in names if is_int(op.get(n))}
    for name, number in sorted(fields, key=lambda f: -abs(f[1])):
        for smaller in _smaller(number, floor=0):
            yield [_with(op, name, {number: smaller}) for op in ops]


def _each_number(structure: Structure, ops: list[Op]) -> Iterator[list[Op]]:
    names = numbers(structure)
    for index, op in enumerate(ops):
        for name in names:
            for smaller in _smaller(op.get(name), floor=0):
                yield [*ops[:index], {**op, name: smaller}, *ops[index + 1 :]]


#: The shrinker's passes, in order: what makes later candidates cheapest first.
def _merged_builders(structure: Structure, ops: list[Op]) -> Iterator[list[Op]]:
    """Each builder the program opens (version 3) merged into the one opened before it: its
    opening line deleted, its lines made on that one, the later builders renumbered."""
    table, number = operations(structure), 0
    for index, op in enumerate(ops):
        if table[op["op"]].opens:
            number += 1
            yield [_onto(line, number) for line in [*ops[:index], *ops[index + 1 :]]]


def _onto(op: Op, merged: int) -> Op:
    """``op`` once builder ``merged`` is merged into the one before it."""
    number = op.get(BUILDER, 0)
    if number < merged:
        return op
    rest = {key: value for key, value in op.items() if key != BUILDER}
    return rest if number == 1 else {**rest, BUILDER: number - 1}


PHASES: tuple[Callable[[Structure, list[Op]], Iterator[list[Op]]], ...] = (
    _costly,
    _shorter_runs,
    _merged_builders,
    _cuts,
    _compact,
    _equal_numbers,
    _each_number,
)


def _smaller(value: Any, floor: int) -> list[int]:
    """Candidates between ``floor`` and ``value``, closest to ``floor`` first: ``floor``, then
    ``value`` moved half the gap towards it, a quarter, ... one — so the least failing number (a
    width's edge: ``2**16``, or ``-2**63 - 1`` below zero) is found in a few passes of
    ``log(gap)`` candidates, not one step a pass."""
    if not is_int(value) or value == floor:
        return []
    toward = -1 if value > floor else 1  # (a negative number moves up to the floor)
    found, gap = {floor}, abs(value - floor) // 2
    while gap >= 1:
        found.add(value + toward * gap)
        gap //= 2
    return sorted(found - {value}, key=lambda number: abs(number - floor))


def _compacted(values: list[int]) -> dict[int, int]:
    """Each of ``values`` moved down so that the least is 0 (or stays, if negative) and every
    gap between neighbours in order is one number wide: numbers in a row stay in a row, and a
    gap stays a gap (an interval map's ranges and the lookups between them are kept)."""
    ordered = sorted(set(values))
    if not ordered:
        return {}
    moved, at = {}, min(ordered[0], 0)
    for previous, value in zip([None, *ordered], ordered, strict=False):
        if previous is not None:
            at += 1 if value == previous + 1 else 2
        moved[value] = at
    return moved


def _with(op: Op, name: str, moved: dict[int, int]) -> Op:
    value = op.get(name)
    return {**op, name: moved[value]} if is_int(value) and value in moved else op


def _without(structure: Structure, ops: list[Op], removed: set[int]) -> list[Op]:
    """``ops`` less the ``removed`` indices, alist variables renumbered: a deleted definition's
    variable stands for the list it was made from."""
    if structure != "alist":
        return [op for i, op in enumerate(ops) if i not in removed]
    renumber: dict[int, int] = {0: 0}
    names, fields = defining(structure), variables(structure)
    kept: list[Op] = []
    defined = 1
    for i, op in enumerate(ops):
        rewritten = _rename(op, renumber.__getitem__, fields)
        if op["op"] in names:
            old = len(renumber)
            if i in removed:
                renumber[old] = rewritten.get("src", rewritten.get("a", 0))
            else:
                renumber[old] = defined
                defined += 1
        if i not in removed:
            kept.append(rewritten)
    return kept


def _rename(op: Op, rename: Callable[[int], int], fields: frozenset[str]) -> dict[str, Any]:
    return {key: rename(value) if key in fields else value for key, value in op.items()}
