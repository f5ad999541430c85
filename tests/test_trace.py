"""``arenacheck trace``: programs from real Python code, deterministic, that every law holds on;
and the standard library's ``tomllib`` traced and replayed on every run."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from hypothesis import Phase, seed, settings
from hypothesis.stateful import get_state_machine_test

import arenacheck.impl
from arenacheck.cli import main
from arenacheck.drive import run_program
from arenacheck.engines.stateful import machine_for
from arenacheck.program import read
from arenacheck.workloads.trace import (
    TRACED_OPS,
    flow_program,
    scope_records,
    standard_library,
    trace_file,
    trace_source,
    traced_starts,
)


def records(source: str) -> list[tuple[int, int]]:
    return scope_records(ast.parse(textwrap.dedent(source)))


def test_expressions_are_numbered_in_source_order_and_recorded_in_visiting_order() -> None:
    # 0 the call, 1 `f`, 2 `[a for a in b]`, 3 `a` (elt), 4 `a` (target), 5 `b` (first iterable)
    assert records("f([a for a in b])") == [(0, 0), (1, 0), (2, 0), (5, 0), (4, 1), (3, 1)]


def test_what_precedes_a_body_is_visited_in_the_enclosing_scope_first() -> None:
    source = """
        @deco
        def f(x: int = 1) -> str:
            return x
    """
    # 0 deco, 1 int, 2 1, 3 str, 4 x: decorator, default, annotations, then the body (scope 1)
    assert records(source) == [(0, 0), (2, 0), (1, 0), (3, 0), (4, 1)]
    assert records("g = lambda y=0: y") == [(0, 0), (1, 0), (2, 0), (3, 1)]


def test_a_branch_narrows_each_side_and_the_join_intersects() -> None:
    source = """
        x = 1
        if x:
            y = 2
        else:
            y = 3
    """
    program, flow = flow_program(ast.parse(textwrap.dedent(source)))
    assert program.ops == [
        {"op": "insert", "src": 0, "key": 2},  # x, where the test held
        {"op": "insert", "src": 0, "key": 3},  # x, where it did not
        {"op": "intersect", "a": 1, "b": 2},  # x after the if; y is a binding on each side
    ]
    assert (flow.inserts, flow.intersections) == (2, 1)


def test_loops_and_boolean_operators_narrow_too() -> None:
    source = """
        def f(a, b):
            while a and b:
                a = a - 1
            assert b
            return [v for v in a if v]
    """
    program, flow = flow_program(ast.parse(textwrap.dedent(source)))
    assert flow.inserts > 0 and flow.intersections > 0
    assert run_program(program, arenacheck.impl).ok


def test_tracing_is_deterministic_and_every_program_keeps_every_law() -> None:
    source = (standard_library() / "tomllib" / "_parser.py").read_text()
    first, second = trace_source(source), trace_source(source)
    assert [p.dumps() for p in first[:2]] == [p.dumps() for p in second[:2]]
    counts = first[2]
    assert counts.expressions > 1000 and counts.ranges < counts.expressions / 10
    for program in first[:2]:
        verdict = run_program(program, arenacheck.impl)
        assert verdict.ok, verdict.violation and verdict.violation.describe()


def test_the_standard_librarys_tomllib_traces_and_replays_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trace", str(standard_library() / "tomllib"), "-o", str(tmp_path)]) == 0
    traced = capsys.readouterr().out
    assert traced.startswith("4 files traced (0 skipped")
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.jsonl"))
    assert "tomllib/_parser.py.alists.jsonl" in written and len(written) == 8
    assert main(["replay", str(tmp_path)]) == 0
    summary = [line for line in capsys.readouterr().out.splitlines() if " law checks" in line]
    assert summary[-1].endswith(": clean")  # the ledger follows it
    assert read(tmp_path / "tomllib" / "_parser.py.intervals.jsonl").structure == "intervals"


def test_files_that_do_not_parse_are_skipped_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "good.py").write_text("x = 1\nif x:\n    x = 2\n")
    (tmp_path / "src" / "bad.py").write_text("def (:\n")
    assert main(["trace", str(tmp_path / "src"), "-o", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.startswith("1 files traced (1 skipped")
    assert sorted(p.name for p in (tmp_path / "out" / "src").iterdir()) == [
        "good.py.alists.jsonl",
        "good.py.intervals.jsonl",
    ]


def test_a_coding_declaration_is_honoured(tmp_path: Path) -> None:
    source = "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\nif name:\n    pass\n"
    (tmp_path / "latin.py").write_bytes(source.encode("latin-1"))
    counts = trace_file(tmp_path, tmp_path / "latin.py", tmp_path / "out")
    assert (counts.files, counts.skipped, counts.inserts) == (1, 0, 2)


def test_a_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "no/such/dir"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file or directory: 'no/such/dir'" in err


@pytest.mark.parametrize("structure", ["alist", "intervals"])
def test_traced_starts_are_short_real_programs_that_keep_every_law(structure: str) -> None:
    starts = traced_starts(structure)
    assert starts and all(0 < len(p.ops) <= TRACED_OPS for p in starts)
    for program in starts:
        assert run_program(program, arenacheck.impl).ok


@pytest.mark.parametrize("structure", ["alist", "intervals"])
@pytest.mark.parametrize("from_traces", [True, False])
def test_some_stateful_examples_start_from_a_trace(structure: str, from_traces: bool) -> None:
    starts = [p.ops for p in traced_starts(structure)]
    began: list[bool] = []

    class Watched(machine_for(structure, arenacheck.impl, from_traces=from_traces)):  # type: ignore[misc]
        def teardown(self) -> None:
            super().teardown()
            began.append(any(self.ops[: len(ops)] == ops for ops in starts))

    run = settings(max_examples=30, database=None, phases=[Phase.generate])
    seed(5)(get_state_machine_test(Watched, settings=run))()
    assert any(began) == from_traces
