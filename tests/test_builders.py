"""Several builders in one program (version 3): each checked against a model of its own, lines
that name theirs, nothing shared between them (SPEC §2.2) — in process, through the protocol, by
the stateful engine that interleaves them and the ledger that counts the programs holding
several."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

import arenacheck.impl
import arenacheck.model
from arenacheck import resources
from arenacheck.cli import main
from arenacheck.drive import run_program
from arenacheck.engines import exhaust, stateful
from arenacheck.engines.exhaust import Bounds
from arenacheck.engines.forms import programs
from arenacheck.engines.stateful.engine import Where
from arenacheck.errors import ProgramError
from arenacheck.implementation import load
from arenacheck.ledger import allowed
from arenacheck.program import SEVERAL_BUILDERS, Program, loads
from arenacheck.protocol.client import External
from arenacheck.strict import NONE
from arenacheck.structures import Structure
from arenacheck.targets import ImplSpec

PLANTED = resources.gallery() / "bugs" / "one_scratch_buffer.py"
PARTIAL = Path(__file__).parent / "external" / "partial_adapter.py"  # it answers gaps unsupported
INTERLEAVED = """{"program": "intervals", "version": 3}
{"op": "record", "index": 0, "scope": 0}
{"op": "builder"}
{"op": "record", "index": 0, "scope": 7, "builder": 1}
{"op": "build"}
{"op": "lookup", "index": 0}
{"op": "build", "builder": 1}
{"op": "lookup", "index": 0, "builder": 1}
"""


def serve(impl: str) -> str:
    return f"{shlex.quote(sys.executable)} -m arenacheck serve --impl {shlex.quote(impl)}"


# --- The program language -----------------------------------------------------------------------


def test_a_line_names_its_builder_in_version_3_only() -> None:
    program = loads(INTERLEAVED)
    assert program.builders == 2 and program.version == 3
    assert loads(INTERLEAVED.replace('"version": 3', '"version": 2').split("\n", 2)[0] + "\n")
    with pytest.raises(ProgramError, match="needs a version-3 header"):
        loads(INTERLEAVED.replace('"version": 3', '"version": 2'))
    with pytest.raises(ProgramError, match="names no open builder"):
        loads(INTERLEAVED.replace('"builder": 1}', '"builder": 2}', 1))
    with pytest.raises(ProgramError, match="made on none"):
        loads(INTERLEAVED.replace('{"op": "builder"}', '{"op": "builder", "builder": 0}'))


def test_each_builder_has_variables_of_its_own() -> None:
    text = """{"program": "alist", "version": 3}
{"op": "insert", "src": 0, "key": 1, "value": 1}
{"op": "builder"}
{"op": "insert", "src": 1, "key": 2, "value": 2, "builder": 1}
"""
    with pytest.raises(ProgramError, match="variable 1 is not defined"):
        loads(text)  # builder 1 has defined nothing yet: its variable 1 is not builder 0's
    assert run_program(loads(text.replace('"src": 1', '"src": 0', 1)), arenacheck.impl).ok


def test_programs_of_one_builder_are_written_as_before() -> None:
    one = Program("intervals", [{"op": "record", "index": 1, "scope": 2}])
    assert one.version == 1 and one.builders == 1


# --- Running ------------------------------------------------------------------------------------


@pytest.mark.parametrize("impl", [arenacheck.model, arenacheck.impl])
def test_each_builder_is_checked_against_its_own_model(impl: object) -> None:
    verdict = run_program(loads(INTERLEAVED), impl)
    assert verdict.ok, verdict.violation and verdict.violation.describe()
    assert verdict.stats.reached[SEVERAL_BUILDERS] == 1


def test_a_builder_that_shares_records_breaks_a_law() -> None:
    verdict = run_program(loads(INTERLEAVED), load(str(PLANTED)))
    assert verdict.violation is not None and verdict.violation.line == 5


@pytest.mark.parametrize("structure", ["alist", "intervals"])
def test_the_forms_engine_holds_several_builders(structure: Structure) -> None:
    several = [p for label, p in programs(structure) if p.builders > 1]
    assert several
    for program in several:
        verdict = run_program(program, arenacheck.impl)
        assert verdict.ok and verdict.stats.reached[SEVERAL_BUILDERS] == 1
        assert any(form == "builder:new" for _, form in verdict.stats.entries)


# --- Engines ------------------------------------------------------------------------------------


@pytest.mark.engine
def test_the_stateful_engine_interleaves_builders_and_finds_what_they_share() -> None:
    clean = stateful.run("intervals", arenacheck.impl, 3, seed_value=0)
    assert clean.failure is None and clean.stats.reached[SEVERAL_BUILDERS] > 0
    found = stateful.run("intervals", load(str(PLANTED)), 10, seed_value=0)
    assert found.failure is not None
    program = found.failure.program
    assert program.builders > 1 and program.version == 3
    assert not run_program(program, load(str(PLANTED))).ok
    assert run_program(program, arenacheck.impl).ok


@pytest.mark.engine
def test_exhaust_runs_afresh_what_a_shared_prefix_fails_and_certifies_the_same() -> None:
    """Exhaust's snapshots keep builders alive: a bug they share state with is no violation of
    the one-builder programs it certifies (the stateful engine's to find, above)."""
    spec, bounds = ImplSpec(), Bounds("intervals", 3)
    clean, _ = exhaust.run(spec.load(("intervals",)), spec, bounds, NONE)
    planted = ImplSpec(str(PLANTED))
    shared, found = exhaust.run(planted.load(("intervals",)), planted, bounds, NONE)
    assert found is None and shared.refreshed > 0 and clean.refreshed == 0
    assert (shared.digest, shared.programs) == (clean.digest, clean.programs)


# --- The protocol -------------------------------------------------------------------------------


@pytest.mark.slow
def test_served_builders_live_in_one_child_and_a_shared_one_is_caught() -> None:
    external = External(serve("arenacheck.impl"))
    try:
        assert run_program(loads(INTERLEAVED), external).ok
    finally:
        external.close()
    external = External(serve(str(PLANTED)))
    try:
        verdict = run_program(loads(INTERLEAVED), external)
        assert verdict.violation is not None and verdict.violation.line == 5
    finally:
        external.close()


@pytest.mark.slow
def test_a_child_that_holds_one_builder_cuts_the_program_short(tmp_path: Path) -> None:
    path = tmp_path / "two-builders.jsonl"
    path.write_text(INTERLEAVED)
    one_arena = " ".join(shlex.quote(a) for a in [sys.executable, str(PARTIAL), "builder"])
    replay = ["replay", str(path), "--impl-cmd", one_arena]
    assert main(replay) == 3  # cut short at builder:new, named, never passed
    assert main([*replay, "--allow-unsupported", "builder:new"]) == 0


def test_accepting_the_opening_form_waives_the_several_builders_class() -> None:
    assert allowed(SEVERAL_BUILDERS, ["builder:new"])
    assert not allowed(SEVERAL_BUILDERS, ["record:*"])


@pytest.mark.engine
def test_the_stateful_engine_reports_a_bug_whose_state_outlives_the_example(
    tmp_path: Path,
) -> None:
    """A process-wide table makes Hypothesis's replay of the failing example differ from the
    example (it calls that inconsistent data generation): the violation found first is reported,
    with the programs before it, never Hypothesis's inconsistency."""
    path = resources.gallery() / "bugs" / "interned_across_builders.py"
    where = Where(tmp_path, ImplSpec(str(path)), 5.0)
    found = stateful.run("alist", load(str(path)), 10, seed_value=0, where=where)
    assert found.failure is not None and found.failure.sequence_reproduced is True
