"""Program files (SPEC §4): round trips, versions, and one clear line for every malformed file."""

from __future__ import annotations

from pathlib import Path

import pytest

from arenacheck import ProgramError
from arenacheck.program import Program, loads, read

V1 = """{"program": "alist", "version": 1}
{"op": "insert", "src": 0, "key": 5, "value": 7}
{"op": "replace", "src": 1, "key": 5, "value": 8}
{"op": "intersect", "a": 1, "b": 2, "combine": "sub"}
{"op": "union", "a": 1, "b": 2, "combine": "left"}
{"op": "items", "var": 3}
"""


def test_spec_example_round_trips_as_version_1() -> None:
    program = loads(V1)
    assert program.structure == "alist" and len(program.ops) == 5
    assert program.lines == [2, 3, 4, 5, 6]
    assert program.version == 1
    assert program.dumps() == V1


def test_extensions_need_version_2_and_are_written_as_such() -> None:
    program = Program("alist", [{"op": "insert", "src": 0, "key": 1}])
    assert program.version == 2
    assert loads(program.dumps()).ops == program.ops
    with pytest.raises(ProgramError, match="line 2: insert: missing field 'value'"):
        loads('{"program": "alist", "version": 1}\n{"op": "insert", "src": 0, "key": 1}\n')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("[1]\n", "line 1: each line must be a JSON object"),
        ('{"program": "tree", "version": 1}\n', "unknown program kind 'tree'"),
        ('{"program": "alist", "version": 5}\n', "unsupported version 5"),
        (
            '{"program": "alist", "version": 1}\n{"op": "insert", "src": 1, "key": 1, "value": 1}',
            "line 2: insert: variable 1 is not defined yet",
        ),
        (
            '{"program": "alist", "version": 1}\n{"op": "items", "var": 0}\n{"op": "pop"}',
            "line 3: unknown alist operation 'pop'",
        ),
        (
            '{"program": "alist", "version": 1}\n{"op": "insert", "src": 0, "key": 1.5, "value": 1}',
            "line 2: insert: field 'key' = 1.5 must be an int",
        ),
        (
            '{"program": "alist", "version": 1}\n{"op": "insert", "src": 0, "key": 2, "value": 9e99}',
            "field 'value'",
        ),
        (
            '{"program": "alist", "version": 1}\n{"op": "insert", "src": 0, "key": 2, "value": 1, "x": 1}',
            "unknown field 'x'",
        ),
        (
            '{"program": "alist", "version": 1}\n{"op": "union", "a": 0, "b": 0, "combine": "mul"}',
            "field 'combine'",
        ),
        (
            '{"program": "alist", "version": 1}\n{"op": "insert", "src": 0, "key": 1, "value": NaN}',
            "line 2: not valid JSON",
        ),
        (
            '{"program": "intervals", "version": 1}\n{"op": "lookup", "index": 1}',
            "line 2: lookup before any build",
        ),
        (
            '{"program": "intervals", "version": 1}\n{"op": "record", "index": -1, "scope": 0}',
            "field 'index' = -1",
        ),
        (
            '{"program": "alist", "version": 2}\n{"op": "bad_handle", "call": "items", "handle": 3}',
            "surely invalid",
        ),
    ],
)
def test_malformed_programs_name_their_line(text: str, message: str) -> None:
    with pytest.raises(ProgramError, match=message):
        loads(text)


def test_unreadable_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ProgramError, match="cannot read"):
        read(tmp_path / "missing.jsonl")
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe")
    with pytest.raises(ProgramError, match="cannot read"):
        read(binary)
