"""The regression corpus: every program in tests/corpus/ is clean on the model and on the
implementation, and a program named after a gallery bug still catches that bug."""

from __future__ import annotations

from pathlib import Path

import pytest

from arenacheck.implementation import load
from arenacheck.program import read
from arenacheck.runner import run_program

CORPUS = sorted((Path(__file__).parent / "corpus").rglob("*.jsonl"))
GALLERY = Path(__file__).parent / "gallery"


def test_corpus_is_not_empty() -> None:
    assert CORPUS


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_program(path: Path) -> None:
    program = read(path)
    for impl in ("arenacheck.model", "arenacheck.impl"):
        verdict = run_program(program, load(impl))
        assert verdict.ok, verdict.violation and verdict.violation.describe()
    bug = GALLERY / f"{path.stem}.py"
    if bug.exists():
        assert not run_program(program, load(str(bug))).ok
