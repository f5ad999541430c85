"""The regression corpus: every program in arenacheck/corpus/ is clean on the model and on the
implementation, and a program named after a gallery bug (``<bug>.jsonl``, or
``<bug>--<law>.jsonl``) still catches that bug, under one of the laws the bug declares; every law a
bug declares has such a program, so a declaration is a fact, not a wildcard."""

from __future__ import annotations

from pathlib import Path

import pytest

from arenacheck import resources
from arenacheck.drive import run_program
from arenacheck.implementation import import_module, load
from arenacheck.program import read

CORPUS = resources.corpus()
GALLERY = resources.gallery() / "bugs"


def test_corpus_is_not_empty() -> None:
    assert CORPUS


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_program(path: Path) -> None:
    program = read(path)
    for impl in ("arenacheck.model", "arenacheck.impl"):
        verdict = run_program(program, load(impl))
        assert verdict.ok, verdict.violation and verdict.violation.describe()
    bug = GALLERY / f"{path.stem.split('--')[0]}.py"
    if bug.exists():
        violation = run_program(program, load(str(bug))).violation
        assert violation is not None
        assert violation.law in import_module(str(bug)).LAWS, violation.describe()


@pytest.mark.parametrize("bug", resources.bugs(), ids=[p.stem for p in resources.bugs()])
def test_every_law_a_bug_declares_has_a_program_that_shows_it(bug: Path) -> None:
    witnesses = [p for p in CORPUS if p.stem.split("--")[0] == bug.stem]
    shown = set()
    for path in witnesses:
        violation = run_program(read(path), load(str(bug))).violation
        assert violation is not None, path
        shown.add(violation.law)
    assert shown == set(import_module(str(bug)).LAWS)
