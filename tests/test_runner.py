"""The runner checks each law: a clean program passes, and each kind of breakage is reported with
its line, its law, and expected against actual."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

import arenacheck.impl
import arenacheck.model
from arenacheck import ProgramError, laws
from arenacheck.drive import run_program
from arenacheck.impl import alist as impl_alist
from arenacheck.program import Program, loads

IMPLEMENTATIONS = [arenacheck.model, arenacheck.impl]


def alist(*ops: dict[str, Any]) -> Program:
    return Program("alist", list(ops))


def with_builder(cls: type) -> SimpleNamespace:
    return SimpleNamespace(ListBuilder=cls, EMPTY=None, IntervalMapBuilder=None)


EVERYTHING = alist(
    {"op": "extend", "src": 0, "start": 0, "step": 1, "count": 30, "value": 300},
    {"op": "insert", "src": 1, "key": -5, "value": 1000},
    {"op": "replace", "src": 2, "key": 10, "value": 300},
    {"op": "replace", "src": 2, "key": 10, "value": 7},
    {"op": "intersect", "a": 2, "b": 4, "combine": "sub"},
    {"op": "union", "a": 4, "b": 2, "combine": "add"},
    {"op": "union", "a": 4, "b": 2},
    {"op": "intersect", "a": 2, "b": 4, "combine": "raise", "after": 3},
    {"op": "union", "a": 2, "b": 4, "combine": "reenter"},
    {"op": "insert_with", "src": 2, "key": 99, "value": 1, "fn": "raise"},
    {"op": "insert_with", "src": 2, "key": 99, "value": 1, "fn": "reenter"},
    {"op": "insert", "src": 2, "key": "k", "value": 1},
    {"op": "get", "var": 2, "key": 10},
    {"op": "get", "var": 2, "key": "k"},
    {"op": "bad_handle", "call": "union", "handle": True, "position": 2},
    {"op": "build"},
    {"op": "insert", "src": 2, "key": 1, "value": 1},
    {"op": "items", "var": 5},
)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS, ids=["model", "impl"])
def test_a_program_using_every_operation_is_clean(impl: Any) -> None:
    verdict = run_program(EVERYTHING, impl)
    assert verdict.ok, verdict.violation and verdict.violation.describe()
    for law in [
        laws.CONTENTS,
        laws.ALLOCATION,
        laws.IDENTITY,
        laws.CALLBACKS,
        laws.REENTRANCY,
        laws.BAD_INPUT,
        laws.EXCEPTION_SAFETY,
        laws.PERSISTENCE,
        laws.ORDER,
    ]:
        assert verdict.stats.checks[law] > 0, law


def test_violation_names_line_law_expected_and_actual() -> None:
    class Leaky(impl_alist.ListBuilder):
        def _put(self, h: Any, key: Any, value: Any, make: Any, replace: bool) -> Any:
            self._cell(key, value, -1)  # one cell too many
            return super()._put(h, key, value, make, replace)

    verdict = run_program(
        loads(
            '{"program": "alist", "version": 1}\n\n{"op": "insert", "src": 0, "key": 1, "value": 2}\n'
        ),
        with_builder(Leaky),
    )
    assert verdict.violation is not None
    assert (verdict.violation.line, verdict.violation.law) == (3, laws.ALLOCATION)
    assert (verdict.violation.expected, verdict.violation.actual) == ("at most 1 cells", 2)
    assert "line 3" in verdict.violation.describe()


class Forgetful(impl_alist.ListBuilder):
    """Writes 0 into the value of the arena's first cell after every union."""

    def union(self, h1: Any, h2: Any) -> Any:
        result = super().union(h1, h2)
        if self._values is not None:
            self._values[0] = 0
        return result


def test_a_changed_list_is_reported_as_persistence_where_a_derived_list_shows_it() -> None:
    program = alist(
        {"op": "insert", "src": 0, "key": 1, "value": 5},  # cell 0
        {"op": "insert", "src": 0, "key": 0, "value": 5},
        {"op": "union", "a": 1, "b": 2},  # changes list 1 behind the caller's back
        {"op": "insert", "src": 1, "key": 2, "value": 5},  # reads wrong: list 1 changed
    )
    verdict = run_program(program, with_builder(Forgetful))
    assert verdict.violation is not None and verdict.violation.law == laws.PERSISTENCE
    assert verdict.violation.line == 5 and "defined at line 2" in verdict.violation.describe()


def test_persistence_of_every_list_is_checked_at_the_end() -> None:
    program = alist(
        {"op": "insert", "src": 0, "key": 1, "value": 5},  # cell 0, not an input of the union
        {"op": "insert", "src": 0, "key": 0, "value": 5},
        {"op": "union", "a": 2, "b": 2},
    )
    verdict = run_program(program, with_builder(Forgetful))
    assert verdict.violation is not None and verdict.violation.law == laws.PERSISTENCE
    assert verdict.violation.op == {"op": "(end of program)"}


def test_swallowed_callback_error_breaks_exception_safety() -> None:
    class Swallow(impl_alist.ListBuilder):
        def union_with(self, h1: Any, h2: Any, combine: Any) -> Any:
            try:
                return super().union_with(h1, h2, combine)
            except Exception:
                return h1

    program = alist(
        {"op": "insert", "src": 0, "key": 1, "value": 5},
        {"op": "union", "a": 1, "b": 1, "combine": "raise"},
    )
    verdict = run_program(program, with_builder(Swallow))
    assert verdict.violation is not None and verdict.violation.law == laws.EXCEPTION_SAFETY


def test_a_failed_operation_defines_a_variable_nobody_may_use() -> None:
    program = alist(
        {"op": "insert", "src": 0, "key": 1, "value": 5},
        {"op": "insert", "src": 1, "key": "k", "value": 5},
        {"op": "items", "var": 2},
    )
    with pytest.raises(ProgramError, match="line 4: variable 2 was defined by an operation"):
        run_program(program, arenacheck.impl)


def test_intervals_program_checks_every_probe() -> None:
    program = loads(
        '{"program": "intervals", "version": 1}\n'
        '{"op": "record", "index": 10, "scope": 2}\n'
        '{"op": "record", "index": 14, "scope": 2}\n'
        '{"op": "record", "index": 12, "scope": 5}\n'
        '{"op": "build"}\n'
        '{"op": "lookup", "index": 11}\n'
        '{"op": "intervals"}\n'
    )
    verdict = run_program(program, arenacheck.impl)
    assert verdict.ok
    for law in [
        laws.NORMAL_FORM,
        laws.RECORDED_LOOKUP,
        laws.BETWEEN_LOOKUP,
        laws.OUTSIDE_LOOKUP,
        laws.ORDER_INDEPENDENCE,
        laws.CONTENTS,
    ]:
        assert verdict.stats.checks[law] > 0, law


def test_a_builder_that_cannot_be_made_is_a_violation_not_a_crash() -> None:
    class Broken:
        def __init__(self) -> None:
            raise MemoryError("no arena today")

    verdict = run_program(alist({"op": "items", "var": 0}), with_builder(Broken))
    assert verdict.violation is not None
    assert (verdict.violation.line, verdict.violation.law) == (1, laws.UNEXPECTED_ERROR)
