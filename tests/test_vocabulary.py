"""One operation vocabulary: every part of the harness derives from it, so an operation is added in
three places — the vocabulary, the runner's check, a generator rule — and the program reader, the
interpreter, the protocol, the fuzz decoder and encoder follow. The test adds ``length`` (a read:
how many entries a list holds) exactly as docs/design.md shows, and watches each part take it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import settings
from hypothesis.stateful import rule, run_state_machine_as_test

import arenacheck.impl
from arenacheck import laws, vocabulary
from arenacheck.engines.fuzz import decode
from arenacheck.engines.stateful import AlistMachine, machine_for
from arenacheck.program import Program, loads
from arenacheck.protocol.server import Server
from arenacheck.runner import AlistSession, run_program

# 1. The vocabulary: its fields (their domains), its version, its reply, the reader method.
LENGTH = vocabulary.Operation(
    "length", {"var": vocabulary.VAR}, version=2, reply="value", reads="length"
)


# 2. The runner's check.
def _op_length(self: AlistSession, op: Any) -> None:
    var = self.var(op["var"])
    actual = self.must(lambda: self.impl_reader.length(var.impl))
    self.check(laws.CONTENTS, actual == len(var.items), len(var.items), actual, "length")


# 3. A generator rule.
def length(self: AlistMachine, var: int) -> None:
    self.apply({"op": "length", "var": var})


@pytest.fixture
def with_length(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(vocabulary.ALIST, "length", LENGTH)
    monkeypatch.setattr(AlistSession, "_op_length", _op_length, raising=False)
    monkeypatch.setitem(decode.FORMS, "alist", [*decode.FORMS["alist"], decode.form(LENGTH, 16)])


PROGRAM = (
    '{"program": "alist", "version": 2}\n'
    '{"op": "insert", "src": 0, "key": 1, "value": 3}\n'
    '{"op": "insert", "src": 1, "key": 2, "value": 3}\n'
    '{"op": "length", "var": 2}\n'
)


def test_the_reader_and_the_runner_take_the_new_operation(with_length: None) -> None:
    program = loads(PROGRAM)
    verdict = run_program(program, arenacheck.impl)
    assert verdict.ok and verdict.stats.checks[laws.CONTENTS] > 0


def test_the_protocol_server_answers_it(with_length: None) -> None:
    server = Server(arenacheck.impl)
    replies = [server.handle(line) for line in PROGRAM.splitlines()]
    assert json.loads(replies[-1] or "") == {"value": 2}


def test_the_fuzz_decoder_makes_it_and_the_encoder_writes_it(with_length: None) -> None:
    program = Program("alist", loads(PROGRAM).ops)
    data = decode.encode(program)
    assert decode.run_bytes("alist", data, arenacheck.impl).program.ops == program.ops


@pytest.mark.engine
def test_a_generator_rule_drives_it(with_length: None) -> None:
    machine = machine_for("alist", arenacheck.impl)
    with_rule = type("WithLength", (machine,), {"length": rule(var=AlistMachine.lists)(length)})
    seen: list[str] = []

    class Watching(with_rule):  # type: ignore[valid-type, misc]
        def apply(self, op: Any) -> bool:
            seen.append(op["op"])
            return bool(super().apply(op))

    run_state_machine_as_test(Watching, settings=settings(max_examples=20, database=None))
    assert "length" in seen
