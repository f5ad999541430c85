"""Every planted bug is flagged by ``arenacheck check`` within a short budget, with a minimal
program file that ``arenacheck replay`` reproduces, under one of the laws the bug breaks; the
model and the implementation come out clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from arenacheck import resources
from arenacheck.cli import main
from arenacheck.drive import run_program
from arenacheck.failure import fresh_laws
from arenacheck.implementation import import_module, load
from arenacheck.program import read
from arenacheck.targets import ImplSpec

pytestmark = pytest.mark.slow

BUGS = resources.bugs()
BUDGET = "90"  # an upper bound: the check stops at the first violation


def test_the_gallery_covers_both_structures() -> None:
    structures = [import_module(str(path)).STRUCTURE for path in BUGS]
    assert len(BUGS) >= 10
    assert {"alist", "intervals"} <= set(structures)


@pytest.mark.parametrize("path", BUGS, ids=[p.stem for p in BUGS])
def test_check_flags_the_bug_and_replay_reproduces_it(path: Path, tmp_path: Path) -> None:
    bug = import_module(str(path))
    argv = [
        "check",
        "--impl",
        str(path),
        "--structure",
        bug.STRUCTURE,
        "--budget",
        BUDGET,
        "--seed",
        "0",
        "--out",
        str(tmp_path),
        "--backend",
        getattr(bug, "BACKEND", "hypothesis"),  # a bug out of random reach names its engine
    ]
    # In a process of its own, as users run it: the solver-driven backend keeps native state.
    done = subprocess.run(
        [sys.executable, "-m", "arenacheck", *argv], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1, done.stdout + done.stderr
    if getattr(bug, "ALONE", True) is False:  # it needs earlier programs: a program sequence
        assert "# reproduces it in a fresh process" in done.stdout, done.stdout
        [written] = tmp_path.glob("*-sequence-*.jsonl")
        laws = fresh_laws(written, ImplSpec(str(path)))
        assert laws and laws[0] in bug.LAWS, laws
        return
    assert "# reproduces it (a fresh process)" in done.stdout
    [written] = tmp_path.glob("*.jsonl")
    verdict = run_program(read(written), bug)
    assert verdict.violation is not None
    assert verdict.violation.law in bug.LAWS, verdict.violation.describe()
    assert main(["replay", str(written), "--impl", str(path)]) == 1
    for clean in ("arenacheck.model", "arenacheck.impl"):
        assert run_program(read(written), load(clean)).ok


@pytest.mark.parametrize("impl", ["arenacheck.model", "arenacheck.impl"])
def test_model_and_implementation_are_clean(impl: str, tmp_path: Path) -> None:
    assert main(["check", "--impl", impl, "--budget", "20", "--out", str(tmp_path)]) == 0
    assert not list(tmp_path.glob("*.jsonl"))
