"""One registry of operations: every part of the harness iterates it, so an operation is one
module — the class that says its fields, its checks, how it is made on one side and answered
over the protocol — and the program reader, the sessions, the interpreter, the protocol server,
the fuzz decoder and encoder follow. The test adds ``length`` (a read: how many entries a list
holds) and watches each part take it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings
from hypothesis.stateful import rule, run_state_machine_as_test

import arenacheck.impl
from arenacheck import laws, ops
from arenacheck.domains import VAR
from arenacheck.drive import run_program
from arenacheck.engines.fuzz import decode
from arenacheck.engines.stateful import AlistMachine, machine_for
from arenacheck.ops.alist.lists import AlistOperation
from arenacheck.ops.base import Done, fields
from arenacheck.program import Program, loads
from arenacheck.protocol.server import Server


class Length(AlistOperation):
    """``length``: how many entries a list holds."""

    name = "length"
    required = fields(var=VAR)
    version = 2
    reply = "value"

    def check(self, session: Any, op: Any) -> None:
        var = session.var(op["var"])
        actual = session.must(lambda: session.lists.impl_reader.length(var.impl))
        session.check(laws.CONTENTS, actual == len(var.items), len(var.items), actual, "length")

    def perform(self, side: Any, op: Any) -> Done:
        return Done(value=side.reader.length(side.var(op["var"])))

    def answer(self, side: Any, done: Done) -> dict[str, Any]:
        return {"value": done.value}


LENGTH = Length()


@pytest.fixture
def with_length() -> Iterator[None]:
    ops.register(LENGTH)
    yield
    ops.unregister(LENGTH)


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

    def length(self: AlistMachine, var: int) -> None:
        self.apply({"op": "length", "var": var})

    with_rule = type("WithLength", (machine,), {"length": rule(var=AlistMachine.lists)(length)})
    seen: list[str] = []

    class Watching(with_rule):  # type: ignore[valid-type, misc]
        def apply(self, op: Any) -> bool:
            seen.append(op["op"])
            return bool(super().apply(op))

    run_state_machine_as_test(Watching, settings=settings(max_examples=20, database=None))
    assert "length" in seen
