"""Keys and values of every kind (SPEC §2, "Equality of keys and values"): a lossless typed
encoding, values read back by type and ``==``, version-4 programs that keep the types through
files, the protocol and the engines, and strategies of a user's own."""

from __future__ import annotations

import math
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import arenacheck.impl
import arenacheck.model
from arenacheck.drive import run_program
from arenacheck.engines.stateful import machine_for, profile
from arenacheck.errors import ProgramError
from arenacheck.implementation import load
from arenacheck.ops.alist.lists import place
from arenacheck.program import Program, loads
from arenacheck.protocol.client import External
from arenacheck.shrink import shrink
from arenacheck.values import (
    KEY_SAMPLES,
    VALUE_SAMPLES,
    Box,
    Touchy,
    decode,
    encode,
    fresh,
    key_kind,
    same_entries,
    same_value,
    value_kind,
)

ROOT = Path(__file__).resolve().parent.parent

# --- The encoding -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", VALUE_SAMPLES)
def test_every_kind_of_value_encodes_losslessly(kind: str) -> None:
    sample = VALUE_SAMPLES[kind]
    assert value_kind(sample) == kind
    assert same_value(decode(encode(sample)), sample)
    assert same_value(fresh(sample), sample)


@pytest.mark.parametrize("kind", KEY_SAMPLES)
def test_every_kind_of_key_is_a_key(kind: str) -> None:
    assert key_kind(KEY_SAMPLES[kind]) == kind


def test_tuples_and_lists_are_told_apart_and_nothing_else_is_a_value() -> None:
    assert encode((1, [2])) == {"tuple": [1, {"list": [2]}]}
    assert decode({"tuple": [1, {"list": [2]}]}) == (1, [2])
    for bad in ([1], {"set": [1]}, {"float": "nan", "x": 1}, {"object": "Nope", "of": 1}):
        with pytest.raises(ValueError, match=r"value|object|float"):
            decode(bad)
    with pytest.raises(ValueError, match="no kind"):
        encode(object())
    assert key_kind(math.nan) is None and value_kind(object()) is None


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
        lambda inner: st.tuples(inner, inner) | st.lists(inner, max_size=3).map(list),
        max_leaves=6,
    )
)
def test_any_value_of_the_kinds_round_trips(value: Any) -> None:
    assert same_value(decode(encode(value)), value)


# --- Comparing as SPEC §2 says ------------------------------------------------------------------


def test_a_value_reads_back_by_type_and_equality() -> None:
    assert not same_value(1, True) and not same_value(1, 1.0) and not same_value(True, 1)
    assert same_value(math.nan, float("nan"))  # a NaN matches a NaN
    assert same_value((1, [math.nan]), (1, [math.nan]))
    assert not same_value((1,), (True,)) and not same_value([1], (1,))
    assert same_value(Touchy(1), Touchy(1))  # by payload: its own == is never called


def test_keys_compare_by_equality_alone() -> None:
    """Which of two equal keys a list holds is the implementation's choice."""
    assert same_entries([(1.0, "a")], [(1, "a")]) and same_entries([(True, 2)], [(1, 2)])
    assert not same_entries([(1, True)], [(1, 1)])


def test_a_key_of_another_order_is_foreign() -> None:
    assert place([(1, None)], "k") == "foreign" and place([("a", None)], 0) == "foreign"
    assert place([(1, None)], 1.0) == "present" and place([((1,), None)], (0, "a")) == "below"


# --- Programs of version 4 ----------------------------------------------------------------------

EVERY_KIND = [
    *({"op": "insert", "src": 0, "key": 0, "value": v} for v in VALUE_SAMPLES.values()),
    *({"op": "insert", "src": 0, "key": k, "value": 1} for k in KEY_SAMPLES.values()),
    {"op": "insert", "src": 1, "key": 1.0, "value": True},  # 1.0 is the key 1
    {"op": "replace", "src": 1, "key": 0, "value": 7.0},  # 7.0 == 7: a no-op
    {"op": "replace", "src": 1, "key": 0, "value": Touchy(7)},  # its == raises: law 7
    {"op": "union", "a": 2, "b": 3, "combine": "left"},
]


def test_a_typed_program_is_version_4_and_its_file_keeps_every_type() -> None:
    program = Program("alist", EVERY_KIND)
    assert program.version == 4
    again = loads(program.dumps())
    assert again.dumps() == program.dumps()
    assert all(
        same_value(a[f], b[f]) for a, b in zip(again.ops, program.ops, strict=True) for f in a
    )


def test_older_versions_refuse_what_only_version_4_holds() -> None:
    text = '{"program": "alist", "version": 3}\n{"op": "insert", "src": 0, "key": 0, "value": 1.5}'
    with pytest.raises(ProgramError, match=r"line 2: insert: field 'value' = 1\.5"):
        loads(text)
    bare = '{"program": "alist", "version": 4}\n{"op": "insert", "src": 0, "key": 0, "value": [1]}'
    with pytest.raises(ProgramError, match=r"line 2: insert: field 'value' = .*bare array"):
        loads(bare)


@pytest.mark.parametrize("impl", [arenacheck.model, arenacheck.impl], ids=["model", "impl"])
def test_every_kind_keeps_every_law(impl: object) -> None:
    verdict = run_program(Program("alist", EVERY_KIND), impl)
    assert verdict.ok, verdict.violation


def test_a_merge_never_hands_back_an_equal_value_of_another_type() -> None:
    """The bundled merge reused a cell whose value was ``==`` to the combined one: ``0 + True``
    read back as ``True`` where the model holds ``1``."""
    program = Program(
        "alist",
        [
            {"op": "insert", "src": 0, "key": 0, "value": 0},
            {"op": "insert", "src": 0, "key": 0, "value": True},
            {"op": "intersect", "a": 2, "b": 1, "combine": "add"},
            {"op": "intersect", "a": 1, "b": 2, "combine": "add"},
        ],
    )
    assert run_program(program, arenacheck.impl).ok


def test_through_the_protocol_every_kind_reads_back() -> None:
    command = f"{shlex.quote(sys.executable)} -m arenacheck serve --impl arenacheck.impl"
    external = External(command)
    try:
        verdict = run_program(Program("alist", EVERY_KIND), external)
    finally:
        external.close()
    assert verdict.ok and verdict.unsupported is None, verdict


# --- Strategies of the user's own ---------------------------------------------------------------


@pytest.mark.engine
def test_a_users_strategies_drive_the_machine() -> None:
    case = machine_for("alist", arenacheck.impl, keys=st.text(max_size=2), values=st.floats())
    case.TestCase.settings = profile("ci")
    case.TestCase().runTest()


@pytest.mark.engine
def test_a_users_big_keys_find_what_64_bits_hide() -> None:
    bug = load(str(ROOT / "arenacheck" / "gallery" / "bugs" / "keys_wrapped_to_64_bits.py"))
    case = machine_for("alist", bug, keys=st.integers(2**63, 2**63 + 3))
    case.TestCase.settings = profile("ci")
    with pytest.raises(Exception, match=r"contents|order"):
        case.TestCase().runTest()


def test_a_strategy_drawing_what_no_program_holds_is_named() -> None:
    case = machine_for("alist", arenacheck.impl, values=st.just(Box(object())))
    case.TestCase.settings = profile("ci")
    with pytest.raises(TypeError, match="the user values strategy drew Box"):
        case.TestCase().runTest()


@pytest.mark.slow
def test_the_plugin_takes_a_users_strategies(tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text(
        "from hypothesis import strategies as st\nKEYS = st.text(max_size=2)\n"
    )
    argv = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-k", "stateful"]
    argv += ["--arenacheck-impl", "arenacheck.impl", "--arenacheck-structure", "alist"]
    argv += ["--arenacheck-profile", "ci", "--arenacheck-keys", "mine:KEYS"]
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, env=env, check=False)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr
    argv[-1] = "mine:NOPE"
    done = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, env=env, check=False)
    said = done.stdout + done.stderr
    assert done.returncode == 4 and "--arenacheck-keys mine:NOPE" in said, said  # a usage error


def test_a_key_far_below_64_bits_shrinks_to_the_edge_in_log_steps() -> None:
    """Below zero as above it, the shrinker moves a number by halves towards 0, so the least
    failing key (one below ``-2**63``) is found, and shrinking finishes."""
    bug = load(str(ROOT / "arenacheck" / "gallery" / "bugs" / "keys_wrapped_to_64_bits.py"))
    program = Program("alist", [{"op": "insert", "src": 0, "key": -(2**70), "value": 1}])
    shrunk = shrink(program, bug, budget=30)
    assert shrunk.finished and shrunk.program.ops[0]["key"] == -(2**63) - 1
