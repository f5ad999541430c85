"""The regression corpus: every program in arenacheck/corpus/ is clean on the model and on the
implementation, and a program named after a gallery bug (``<bug>.jsonl``, or
``<bug>--<law>.jsonl``) still catches that bug, under one of the laws the bug declares; every law a
bug declares has such a program, so a declaration is a fact, not a wildcard."""

from __future__ import annotations

from pathlib import Path

import pytest

from arenacheck import resources
from arenacheck.drive import run_program
from arenacheck.failure import fresh_laws
from arenacheck.implementation import import_module, load
from arenacheck.program import read_all
from arenacheck.targets import ImplSpec

CORPUS = resources.corpus()
GALLERY = resources.gallery() / "bugs"


def test_corpus_is_not_empty() -> None:
    assert CORPUS


def laws_broken(path: Path, bug: Path) -> list[str]:
    """The laws a corpus file breaks on a gallery bug: in this process, or, for a program
    sequence (a bug that needs earlier programs), in a fresh one, as the failure path replays
    it (this process's own state must not decide it)."""
    programs = read_all(path)
    if len(programs) > 1 or getattr(import_module(str(bug)), "ALONE", True) is False:
        return fresh_laws(path, ImplSpec(str(bug)))
    violation = run_program(programs[0], load(str(bug))).violation
    return [] if violation is None else [violation.law]


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_program(path: Path) -> None:
    for program in read_all(path):
        for impl in ("arenacheck.model", "arenacheck.impl"):
            verdict = run_program(program, load(impl))
            assert verdict.ok, verdict.violation and verdict.violation.describe()
    bug = GALLERY / f"{path.stem.split('--')[0]}.py"
    if bug.exists():
        laws = laws_broken(path, bug)
        assert laws and laws[0] in import_module(str(bug)).LAWS, laws


@pytest.mark.parametrize("bug", resources.bugs(), ids=[p.stem for p in resources.bugs()])
def test_every_law_a_bug_declares_has_a_program_that_shows_it(bug: Path) -> None:
    witnesses = [p for p in CORPUS if p.stem.split("--")[0] == bug.stem]
    shown = set()
    for path in witnesses:
        laws = laws_broken(path, bug)
        assert laws, path
        shown.add(laws[0])
    assert shown == set(import_module(str(bug)).LAWS)
