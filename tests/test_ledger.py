"""The ledger: every law check is counted by the form of the operation it checked, with the first
program that reached it; the forms engine reaches every form deterministically; the commands print
the ledger, write it as JSON, and gate on it (exit status 3: clean, but a requirement unmet)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import arenacheck.impl
from arenacheck import laws
from arenacheck.cli import main
from arenacheck.drive import run_program
from arenacheck.engines.forms import programs
from arenacheck.ledger import SCHEMA, Ledger, classes, forms, is_class, parse_requirement, unmet
from arenacheck.ops.alist.lists import LONG
from arenacheck.program import Program, loads
from arenacheck.sessions.base import STACK_HEADROOM
from arenacheck.verdicts import Stats

PROGRAM = (
    '{"program": "alist", "version": 2}\n'
    '{"op": "insert", "src": 0, "key": 1, "value": 3}\n'
    '{"op": "insert", "src": 1, "key": 0, "value": 3}\n'
    '{"op": "union", "a": 1, "b": 2, "combine": "raise", "after": 0}\n'
)


def test_each_check_is_counted_by_law_and_form_with_the_program_that_first_reached_it() -> None:
    stats = run_program(loads(PROGRAM), arenacheck.impl).stats
    assert stats.entries[(laws.CONTENTS, "insert:empty")] > 0
    assert stats.entries[(laws.ALLOCATION, "insert:below")] == 1
    assert stats.entries[(laws.EXCEPTION_SAFETY, "union:raise-0:same")] == 0  # not the same list
    assert stats.entries[(laws.EXCEPTION_SAFETY, "union:raise-0")] > 0
    assert stats.entries[(laws.NO_RECURSION, "insert:below")] == 1  # every operation, law 6
    # Every check counts by law; under a form only once the implementation ran the operation:
    # the re-reads of the raising union's inputs before it is called count by law alone.
    unbooked = stats.total_checks - sum(stats.entries.values())
    assert unbooked > 0
    without_the_raise = loads(PROGRAM.replace(', "combine": "raise", "after": 0', ""))
    plain = run_program(without_the_raise, arenacheck.impl).stats
    assert sum(plain.entries.values()) == plain.total_checks
    run = Stats()
    run.add(stats)
    first = run.first[(laws.ALLOCATION, "insert:below")]
    assert loads(first).ops == loads(PROGRAM).ops[:2]  # up to the line that reached it


def test_a_long_list_is_longer_than_the_stack_headroom() -> None:
    assert LONG > STACK_HEADROOM  # so a recursive implementation fails on every long form


@pytest.mark.parametrize("structure", ["alist", "intervals"])
def test_the_forms_engine_reaches_every_form(structure: str) -> None:
    ledger = Ledger(structures={structure})
    for label, program in programs(structure):  # type: ignore[arg-type]
        verdict = run_program(program, arenacheck.impl)
        assert verdict.ok, (label, verdict.violation and verdict.violation.describe())
        if is_class(label):
            assert verdict.stats.reached[label] > 0, label
        else:
            assert any(f == label for (_, f) in verdict.stats.entries), label
        ledger.add("forms", verdict.stats.entries, {}, reached=verdict.stats.reached)
    assert ledger.unreached() == [] and ledger.unreached_classes() == []
    expected = [*forms(structure), *classes(structure)]
    assert [label for label, _ in programs(structure)] == expected  # type: ignore[arg-type]


def test_requirements_name_a_form_a_law_or_both() -> None:
    ledger = Ledger(structures={"alist"})
    ledger.add("replay", run_program(loads(PROGRAM), arenacheck.impl).stats.entries, {})
    assert ledger.count("insert:empty") > 0 and ledger.count(laws.ALLOCATION) > 0
    assert ledger.count(f"{laws.ALLOCATION}@insert:below") == 1
    assert parse_requirement("union:raise-0>=2") == ("union:raise-0", 2)
    assert parse_requirement("lookup:edge") == ("lookup:edge", 1)
    assert unmet(ledger, [("union:raise-0", 1), ("extend:down:long", 1)]) == [
        ("extend:down:long", 1, 0)
    ]
    with pytest.raises(ValueError, match="ENTRY>=N"):
        parse_requirement("union>=many")


def test_replay_prints_the_ledger_writes_the_report_and_gates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = tmp_path / "p.jsonl"
    Program("alist", loads(PROGRAM).ops).write(program)
    report = tmp_path / "r.json"
    assert main(["replay", str(program), "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "ledger:" in out and "never reached:" in out
    written = json.loads(report.read_text())
    assert written["schema"] == SCHEMA and written["status"] == 0
    assert "extend:down:long" in written["unreached"]
    entry = next(e for e in written["entries"] if e["form"] == "insert:below")
    assert entry["checks"]["replay"] > 0 and entry["first"]["engine"] == "replay"
    assert main(["replay", str(program), "--require", "union:raise-0>=1"]) == 0
    assert main(["replay", str(program), "--require", "extend:down:long>=1"]) == 3
    assert "extend:down:long>=1 (0)" in capsys.readouterr().out
    assert main(["replay", str(program), "--ledger"]) == 0
    assert "union:raise-0" in capsys.readouterr().out


def test_a_malformed_requirement_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = tmp_path / "p.jsonl"
    Program("alist", loads(PROGRAM).ops).write(program)
    assert main(["replay", str(program), "--require", "union>=lots"]) == 2
    assert "--require" in capsys.readouterr().err


@pytest.mark.slow
def test_check_meets_its_default_requirements_and_reports_every_engine(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    args = ["check", "--structure", "intervals", "--budget", "6", "--out", str(tmp_path)]
    assert main([*args, "--report", str(report)]) == 0
    written = json.loads(report.read_text())
    assert written["unreached"] == []
    assert {"forms", "stateful", "fuzz"} <= set(written["engines"])
    assert all(r["checks"] >= r["at_least"] for r in written["requirements"])
    assert len(written["requirements"]) == len(forms("intervals")) + len(classes("intervals"))
    assert written["unreached classes"] == []
