"""An operation of a user's own, defined only in its own files (``tests/extension/``): ``min_key``,
a read, with the implementation that has it. With no file of arenacheck changed, every part of
the harness takes it: the program reader, exhaust, the forms engine, the stateful machine, the
fuzz decoder and encoder, ``arenacheck serve --ops`` and ``--impl-cmd``, the ledger — and a bug
planted in its implementation is found, written and replayed."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from arenacheck import laws, ops
from arenacheck.drive import run_program
from arenacheck.engines import exhaust, stateful
from arenacheck.engines.exhaust import Bounds
from arenacheck.engines.forms import programs
from arenacheck.engines.fuzz.decode import encode, run_bytes
from arenacheck.implementation import load
from arenacheck.ledger import forms
from arenacheck.program import loads
from arenacheck.protocol.client import External
from arenacheck.strict import NONE
from arenacheck.targets import ImplSpec

HERE = Path(__file__).resolve().parent / "extension"
OPS, IMPL, BUG = (str(HERE / f) for f in ("min_key.py", "min_key_impl.py", "min_key_bug.py"))
FORMS = ["min_key:empty", "min_key:full"]
PROGRAM = (
    '{"program": "alist", "version": 2}\n'
    '{"op": "insert", "src": 0, "key": 4, "value": 1}\n'
    '{"op": "insert", "src": 1, "key": 2, "value": 1}\n'
    '{"op": "insert", "src": 2, "key": 9, "value": 1}\n'
    '{"op": "min_key", "var": 3}\n'
    '{"op": "min_key", "var": 0}\n'
)


@pytest.fixture
def min_key() -> Iterator[ops.Operation]:
    [operation] = ops.extend([OPS])
    yield operation
    ops.unregister(operation)


def test_the_reader_and_the_runner_take_it(min_key: ops.Operation) -> None:
    verdict = run_program(loads(PROGRAM), load(IMPL))
    assert verdict.ok, verdict.violation and verdict.violation.describe()
    assert verdict.stats.entries[(laws.CONTENTS, "min_key:full")] == 1
    assert verdict.stats.entries[(laws.CONTENTS, "min_key:empty")] == 1
    assert run_program(loads(PROGRAM), load(BUG)).violation is not None


def test_the_ledger_lists_its_forms(min_key: ops.Operation) -> None:
    assert forms("alist")[-3:-1] == FORMS  # before the end checks, after the bundled ones


def test_exhaust_enumerates_it(min_key: ops.Operation) -> None:
    spec = ImplSpec(IMPL)
    certificate, found = exhaust.run(spec.load(("alist",)), spec, Bounds("alist", 2), NONE)
    assert found is None
    assert {"min_key:empty", "min_key:full"} <= {f for _, f in certificate.entries()}


def test_the_forms_engine_runs_a_program_for_each_of_its_forms(min_key: ops.Operation) -> None:
    made = dict(programs("alist"))
    for form in FORMS:
        verdict = run_program(made[form], load(IMPL))
        assert verdict.ok and any(f == form for _, f in verdict.stats.entries)


def test_the_stateful_machine_draws_it(min_key: ops.Operation) -> None:
    outcome = stateful.run("alist", load(IMPL), 0.0, 3, stateful.profile("ci"), batch=20)
    assert outcome.failure is None
    assert {f for _, f in outcome.stats.entries} & set(FORMS)


def test_the_fuzz_decoder_reads_it_and_the_encoder_writes_it(min_key: ops.Operation) -> None:
    program = loads(PROGRAM)
    decoded = run_bytes("alist", encode(program, load(IMPL)), load(IMPL)).program
    assert decoded.ops[: len(program.ops)] == program.ops


@pytest.mark.slow
def test_a_served_implementation_answers_it_and_impl_cmd_checks_it(
    min_key: ops.Operation,
) -> None:
    served = shlex.join([sys.executable, "-m", "arenacheck", "serve", "--ops", OPS, "--impl", IMPL])
    done = subprocess.run(
        shlex.split(served), input=PROGRAM, capture_output=True, text=True, check=True
    )
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert replies[-2:] == [{"value": 2}, {"value": None}]
    external = External(served)
    try:
        verdict = run_program(loads(PROGRAM), external)
    finally:
        external.close()
    assert verdict.ok and verdict.stats.entries[(laws.CONTENTS, "min_key:full")] == 1


@pytest.mark.slow
def test_a_bug_planted_in_it_is_found_and_replays(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "arenacheck", "check", "--ops", OPS, "--impl", BUG]
    argv += ["--structure", "alist", "--budget", "10", "--seed", "0", "--out", str(tmp_path)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "min_key" in done.stdout and "# reproduces it (a fresh process)" in done.stdout
    [written] = tmp_path.glob("*.jsonl")
    replay = [sys.executable, "-m", "arenacheck", "replay", str(written), "--ops", OPS]
    again = subprocess.run([*replay, "--impl", BUG], capture_output=True, text=True, check=False)
    assert again.returncode == 1 and "VIOLATION" in again.stdout
