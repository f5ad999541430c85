"""The fuzzing engine: every byte string is a valid program, the targets reach the code (coverage
grows) and each finds its planted bug within a bounded number of executions, ending with a
program file that replay reproduces."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import arenacheck.impl
import arenacheck.model
from arenacheck import resources
from arenacheck.drive import run_program
from arenacheck.engines.fuzz.decode import run_bytes
from arenacheck.implementation import import_module, load
from arenacheck.program import loads, read, read_all

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "alist": ROOT / "fuzz" / "alist_fuzz.py",
    "intervals": ROOT / "fuzz" / "intervals_fuzz.py",
}
#: Planted bugs each target finds from random bytes within 30,000 runs (seed 1): a few thousand.
CANARIES = {"alist": "write_through_replace", "intervals": "gap_takes_previous_scope"}


@settings(max_examples=200)
@given(data=st.binary(max_size=200), structure=st.sampled_from(["alist", "intervals"]))
def test_every_byte_string_is_a_valid_program(data: bytes, structure: str) -> None:
    verdict = run_bytes(structure, data, arenacheck.model)  # type: ignore[arg-type]
    assert verdict.ok, verdict.violation and verdict.violation.describe()
    program = loads(verdict.program.dumps())  # validates every line
    assert run_program(program, arenacheck.impl).ok


def fuzz(
    structure: str, tmp_path: Path, impl: str | None, *flags: str
) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("atheris")
    env = {**os.environ, "ARENACHECK_FAILURES": str(tmp_path)}
    if impl:
        env["ARENACHECK_IMPL"] = impl
    return subprocess.run(
        [
            sys.executable,
            str(TARGETS[structure]),
            "-seed=1",
            f"-artifact_prefix={tmp_path}/",
            *flags,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("structure", sorted(TARGETS))
def test_target_runs_clean_and_coverage_grows(structure: str, tmp_path: Path) -> None:
    result = fuzz(structure, tmp_path, None, "-runs=1500")
    assert result.returncode == 0, result.stderr[-2000:]
    coverage = [int(c) for c in re.findall(r"cov: (\d+)", result.stderr)]
    assert coverage and coverage[-1] > coverage[0], "instrumentation is not live"


@pytest.mark.slow
@pytest.mark.parametrize("structure", sorted(TARGETS))
def test_target_finds_its_planted_bug(structure: str, tmp_path: Path) -> None:
    bug = resources.gallery() / "bugs" / f"{CANARIES[structure]}.py"
    result = fuzz(structure, tmp_path, str(bug), "-runs=30000")
    assert result.returncode != 0
    assert list(tmp_path.glob("crash-*")), "libFuzzer wrote no crash file"
    [program] = tmp_path.glob("*.jsonl")
    verdict = run_program(read(program), load(str(bug)))
    assert verdict.violation is not None and verdict.violation.law in import_module(str(bug)).LAWS
    assert run_program(read(program), arenacheck.impl).ok


def test_fleet_files_name_only_targets_that_exist() -> None:
    build = (ROOT / ".clusterfuzzlite" / "build.sh").read_text()
    assert "compile_python_fuzzer" in build and "fuzz/*_fuzz.py" in build
    assert sorted(p.name for p in (ROOT / "fuzz").glob("*_fuzz.py")) == sorted(
        p.name for p in TARGETS.values()
    )
    for workflow in (ROOT / ".github" / "workflows").glob("cflite_*.yml"):
        assert "language: python" in workflow.read_text()


@pytest.mark.parametrize("structure", sorted(TARGETS))
def test_seeds_decode_to_clean_programs(structure: str) -> None:
    seeds = sorted(resources.seeds(structure).iterdir())
    assert len(seeds) >= 10
    for path in seeds:
        verdict = run_bytes(structure, path.read_bytes(), arenacheck.impl)  # type: ignore[arg-type]
        assert verdict.ok and verdict.program.ops, path


def test_corpus_programs_encode_to_themselves() -> None:
    from arenacheck.engines.fuzz.decode import encode
    from arenacheck.values import encode_line

    for path in resources.corpus():
        bug = resources.gallery() / "bugs" / f"{path.stem.split('--')[0]}.py"
        if bug.exists() and getattr(import_module(str(bug)), "BACKEND", None) == "crosshair":
            continue  # a value out of random reach by design: the fuzzer has no byte for it
        for program in read_all(path):  # (a program sequence: each of its programs)
            if program.builders > 1:
                continue  # the byte language holds one builder a program (docs/fuzzing.md)
            decoded = run_bytes(program.structure, encode(program), arenacheck.model).program  # type: ignore[arg-type]
            same = [encode_line(op) for op in decoded.ops[: len(program.ops)]]
            assert same == [encode_line(op) for op in program.ops], path  # (a NaN is a NaN)


@pytest.mark.slow
def test_fuzz_command_reports_progress_and_violations(tmp_path: Path) -> None:
    pytest.importorskip("atheris")

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [
            sys.executable,
            "-m",
            "arenacheck",
            "fuzz",
            "--structure",
            "intervals",
            "--corpus",
            str(tmp_path / "corpus"),
            "--out",
            str(tmp_path / "out"),
            *args,
        ]
        return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)

    clean = command("--time", "3")
    assert clean.returncode == 0, clean.stderr[-2000:]
    assert re.search(r"intervals\s+clean\s+fuzz: \d+ execs · \d+ exec/s · cov \d+", clean.stdout)
    bug = resources.gallery() / "bugs" / f"{CANARIES['intervals']}.py"
    found = command("--time", "60", "--impl", str(bug))
    assert found.returncode == 1
    [program] = (tmp_path / "out").glob("*.jsonl")
    assert f"program: {program}" in found.stdout


@pytest.mark.slow
def test_a_target_started_from_a_process_that_once_held_gigabytes_still_runs() -> None:
    """Linux hands a child its parent's peak resident size, and libFuzzer holds its memory
    limit against that peak: the limit is counted from what the target inherits."""
    pytest.importorskip("atheris")
    script = (
        "big = bytearray(2300 * 2**20)\n"
        "for i in range(0, len(big), 4096): big[i] = 1\n"
        "del big\n"
        "import tempfile\n"
        "from pathlib import Path\n"
        "from arenacheck.engines.base import Job\n"
        "from arenacheck.engines.fuzz.jobs import fuzz\n"
        "from arenacheck.engines.fuzz.settings import FuzzSettings\n"
        "from arenacheck.targets import ImplSpec\n"
        "spec = ImplSpec('arenacheck.impl')\n"
        "job = Job(spec, out=Path(tempfile.mkdtemp()))\n"
        "outcome, found = fuzz('alist', 1.0, job, FuzzSettings(), spec.load(('alist',)))\n"
        "print(repr(outcome.error), outcome.stats.programs)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("'' "), done.stdout + done.stderr
