"""The mutation-testing driver (``make mutation``): what it skips, how it names a mutant, and
that the equivalent mutants it subtracts are still there to subtract. The run itself takes half
an hour and is not part of the suite (docs/mutation.md)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def load_driver() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_run", ROOT / "mutation" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_run"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run = load_driver()


def test_mutants_inside_annotations_are_skipped_and_no_others() -> None:
    lines = ["def f(x: int | None, y=1 | 2) -> list[int] | None:", "    z: int | str = x | y"]
    spans = run.annotation_spans("\n".join(lines) + "\n")
    bars = [(n, col) for n, line in enumerate(lines, 1) for col, c in enumerate(line) if c == "|"]
    assert [run.in_annotation(spans, at) for at in bars] == [True, False, True, True, False]


def test_a_worker_path_names_the_repository_file() -> None:
    assert run.source_path("arenacheck/impl/kernels.py") == "impl/kernels.py"
    assert run.source_path("arenacheck/model/alist.py") == "model/alist.py"
    assert run.source_path("arenacheck/cli/check.py") == "arenacheck/cli/check.py"


def mutant(outcome: str, line: str = "x = 1", operator: str = "core/NumberReplacer") -> object:
    return run.Mutant("impl/kernels.py", operator, line, 3, outcome, "diff")


def test_the_score_subtracts_listed_equivalents_and_fails_on_any_other_survivor() -> None:
    listed = [
        {
            "module": "impl/kernels.py",
            "operator": "core/NumberReplacer",
            "line": "x = 1",
            "reason": "r",
        }
    ]
    found = [mutant("killed")] * 18 + [mutant("timeout"), mutant("survived")]
    text, ok = run.report(found, listed)
    assert ok and "**100.0%**" in text and "95.0%" in text
    text, ok = run.report([*found, mutant("survived", line="y = 2")], listed)
    assert not ok and "SURVIVED impl/kernels.py:3" in text


def test_a_listed_equivalent_that_is_killed_now_is_reported_stale() -> None:
    listed = [
        {
            "module": "impl/kernels.py",
            "operator": "core/NumberReplacer",
            "line": "x = 1",
            "reason": "r",
        }
    ]
    text, ok = run.report([mutant("killed")], listed)
    assert not ok and "did not survive" in text


def test_every_listed_equivalent_names_a_line_that_exists() -> None:
    for entry in run.equivalents():
        lines = {line.strip() for line in (ROOT / entry["module"]).read_text().splitlines()}
        assert entry["line"].strip() in lines, entry
        assert entry["reason"].strip(), entry
