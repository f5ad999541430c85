"""The program protocol (SPEC §4) end to end: ``--impl-cmd`` against ``arenacheck serve``, against
servers that crash, hang or write garbage, and against the C example adapter."""

from __future__ import annotations

import fcntl
import json
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from arenacheck import laws, resources
from arenacheck import model as model_impl
from arenacheck.cli import main
from arenacheck.drive import run_program
from arenacheck.engines.forms import programs as forms_programs
from arenacheck.program import loads
from arenacheck.protocol.client import External
from arenacheck.protocol.server import Server

ROOT = Path(__file__).resolve().parent.parent
GALLERY = resources.gallery() / "bugs"
CORPUS = resources.root() / "corpus"
EXAMPLE = ROOT / "examples" / "c"
MISBEHAVING = ROOT / "tests" / "external" / "misbehaving_server.py"


def serve(impl: str) -> str:
    return f"{shlex.quote(sys.executable)} -m arenacheck serve --impl {shlex.quote(impl)}"


def misbehaving(mode: str) -> str:
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(MISBEHAVING))} {mode}"


def program(*ops: dict[str, object], structure: str = "alist", version: int = 2) -> str:
    lines = [{"program": structure, "version": version}, *ops]
    return "".join(json.dumps(line) + "\n" for line in lines)


CLEAN = program(
    {"op": "insert", "src": 0, "key": 5, "value": 7},
    {"op": "insert", "src": 1, "key": 3, "value": 1},
    {"op": "union", "a": 1, "b": 2, "combine": "add"},
    {"op": "items", "var": 1},
)
UNLUCKY = program(
    {"op": "insert", "src": 0, "key": 5, "value": 7},
    {"op": "insert", "src": 1, "key": 13, "value": 1},
)


# --- The server end -----------------------------------------------------------------------------


def test_server_answers_each_operation_with_one_line_and_headers_with_none() -> None:
    server = Server(model_impl)
    assert server.handle('{"program": "alist", "version": 1}') is None
    reply = json.loads(server.handle('{"op": "insert", "src": 0, "key": 5, "value": 7}') or "")
    assert reply == {"handle": 0, "items": [[5, 7]], "cells": 1}
    bad = server.handle('{"op": "bad_handle", "call": "items", "handle": "x"}')
    assert json.loads(bad or "")["error"].startswith("InvalidHandle: ")
    assert json.loads(server.handle("not json") or "")["error"].startswith("ProgramError: ")


def test_serve_command_speaks_the_protocol() -> None:
    requests = '{"program": "intervals", "version": 1}\n{"op": "record", "index": 3, "scope": 1}\n'
    requests += '{"op": "build"}\n{"op": "lookup", "index": 3}\n{"op": "lookup", "index": true}\n'
    result = subprocess.run(
        shlex.split(serve("arenacheck.model")),
        input=requests,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines() == ["{}", "{}", '{"scope": 1}', '{"scope": null}']


# --- The client end: every law, through a process -----------------------------------------------


@pytest.mark.slow
def test_served_implementation_replays_the_corpus_clean() -> None:
    assert main(["replay", str(CORPUS), "--impl-cmd", serve("arenacheck.impl"), "-q"]) == 0


@pytest.mark.slow
def test_check_impl_cmd_is_clean_on_the_served_implementation(tmp_path: Path) -> None:
    args = ["check", "--impl-cmd", serve("arenacheck.impl"), "--budget", "8", "--seed", "1"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    assert not list(tmp_path.glob("*.jsonl"))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("bug", "structure"),
    [("gap_takes_previous_scope", "intervals"), ("write_through_replace", "alist")],
)
def test_check_impl_cmd_catches_a_served_gallery_bug(
    bug: str, structure: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = serve(str(GALLERY / f"{bug}.py"))
    args = ["check", "--impl-cmd", command, "--structure", structure, "--seed", "0"]
    assert main([*args, "--budget", "60", "--out", str(tmp_path)]) == 1
    [written] = tmp_path.glob("*.jsonl")
    assert "reproduces it" in capsys.readouterr().out
    assert main(["replay", str(written), "--impl-cmd", command]) == 1


@pytest.mark.slow
def test_fuzz_accepts_impl_cmd(tmp_path: Path) -> None:
    pytest.importorskip("atheris")
    args = ["fuzz", "--impl-cmd", serve("arenacheck.impl"), "--structure", "intervals"]
    args += ["--time", "3", "--corpus", str(tmp_path / "corpus"), "--out", str(tmp_path)]
    assert main(args) == 0


# --- A broken server is a violation of its own kind, in time, and never left running ------------


@pytest.mark.parametrize(
    ("mode", "law", "got"),
    [
        ("crash", laws.PROTOCOL_EXITED, "exited with status 3"),
        ("close", laws.PROTOCOL_EXITED, "stdout closed"),
        ("hang", laws.PROTOCOL_TIMEOUT, "no reply within 1 s"),
        ("garbage", laws.PROTOCOL_MALFORMED, "not a JSON object"),
        ("shape", laws.PROTOCOL_MALFORMED, '"items": [[k, v], ...]'),
    ],
)
def test_broken_replies_are_reported_with_the_line_and_stderr(
    mode: str, law: str, got: str
) -> None:
    external = External(misbehaving(mode), timeout=1.0)
    started = time.monotonic()
    verdict = run_program(loads(UNLUCKY), external)
    assert time.monotonic() - started < 5
    violation = verdict.violation
    assert violation is not None
    assert (violation.law, violation.line) == (law, 3)
    assert got in str(violation.actual)
    assert '"key": 13' in violation.detail
    if mode == "crash":
        assert "boom: key 13 is unlucky" in violation.detail
    assert external.child.process is None  # killed, not left running
    assert run_program(loads(CLEAN), external).ok  # a new process serves the next program
    external.close()


def test_one_process_serves_many_programs() -> None:
    external = External(serve("arenacheck.impl"))
    for _ in range(5):
        assert run_program(loads(CLEAN), external).ok
    assert external.child.starts == 1
    external.close()


def test_unsupported_ends_the_program_without_a_violation() -> None:
    external = External(misbehaving("unsupported"))
    verdict = run_program(loads(UNLUCKY), external)
    assert verdict.ok and verdict.unsupported == 3
    assert verdict.stats.unsupported == 1
    assert not external.supports("insert int int")  # engines stop generating it
    external.close()


def test_a_command_that_cannot_start_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(CORPUS), "--impl-cmd", "/no/such/adapter"]) == 2
    assert "cannot start --impl-cmd '/no/such/adapter'" in capsys.readouterr().err


# --- The C example adapter ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def adapter() -> Path:
    if shutil.which("make") is None or shutil.which("cc") is None:
        pytest.skip("the C example needs make and a C compiler (cc) on PATH")
    (EXAMPLE / "build").mkdir(exist_ok=True)
    with open(EXAMPLE / "build" / ".lock", "w") as lock:  # test processes build it one at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(["make", "-s", "-C", str(EXAMPLE), "build/adapter", "planted"], check=True)
    return EXAMPLE / "build"


#: What the C example adapter answers unsupported (docs/external.md): keys and values of every
#: kind but ints within 64 bits, strings (and, for values, ``None``).
C_GAPS = "*+key=[!s]*,*+value=[!s]*"


@pytest.mark.slow
def test_c_adapter_passes_check(adapter: Path, tmp_path: Path) -> None:
    args = ["check", "--impl-cmd", str(adapter / "adapter"), "--budget", "10", "--seed", "2"]
    assert main([*args, "--out", str(tmp_path), "--allow-unsupported", C_GAPS]) == 0
    # Its gaps are named, not waved through: a program cut short there is not clean without it.
    float_value = tmp_path / "float-value.jsonl"
    float_value.write_text(program({"op": "insert", "src": 0, "key": "k", "value": 1.5}, version=4))
    replay = ["replay", str(float_value), "--impl-cmd", str(adapter / "adapter")]
    assert main(replay) == 3
    assert main([*replay, "--allow-unsupported", C_GAPS]) == 0


@pytest.mark.slow
def test_c_adapter_holds_several_builders(adapter: Path) -> None:
    """An arena a builder: the forms engine's programs with two builders, interleaved, are
    run to the end (not cut short) and keep every law."""
    external = External(str(adapter / "adapter"))
    try:
        for structure in ("alist", "intervals"):
            for _, several in [(f, p) for f, p in forms_programs(structure) if p.builders > 1]:
                verdict = run_program(several, external)
                assert verdict.ok and verdict.unsupported is None, verdict
    finally:
        external.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("structure", "law"), [("alist", laws.IDENTITY), ("intervals", laws.RECORDED_LOOKUP)]
)
def test_c_adapter_planted_bugs_are_caught(
    adapter: Path, structure: str, law: str, tmp_path: Path
) -> None:
    command = str(adapter / "adapter-planted")
    args = ["check", "--impl-cmd", command, "--structure", structure, "--seed", "0"]
    assert main([*args, "--budget", "30", "--out", str(tmp_path)]) == 1
    [written] = tmp_path.glob("*.jsonl")
    assert law.replace(" ", "-") in written.name
    external = External(command)
    verdict = run_program(loads(written.read_text()), external)
    external.close()
    assert verdict.violation is not None and verdict.violation.law == law


@pytest.mark.slow
def test_c_adapter_passes_exhaust_and_its_planted_bug_is_found(
    adapter: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["exhaust", "--structure", "intervals", "--max-ops", "3", "--keys", "3"]
    assert main([*base, "--impl-cmd", str(adapter / "adapter"), "--out", str(tmp_path)]) == 0
    assert "every canonical program within the bounds holds every law" in capsys.readouterr().out
    planted = [*base, "--impl-cmd", str(adapter / "adapter-planted"), "--out", str(tmp_path)]
    assert main(planted) == 1
    [written] = tmp_path.glob("*.jsonl")
    assert laws.RECORDED_LOOKUP.replace(" ", "-") in written.name
