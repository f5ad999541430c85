"""``arenacheck bench`` measures side by side and reports what does not depend on the machine:
counts of expressions, ranges, inserts and cells. (No timing is asserted: SPEC's performance
claims are in docs/benchmarks.md, measured by this command.)"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from arenacheck.cli import main
from arenacheck.workloads import bench
from arenacheck.workloads.trace import standard_library

pytestmark = pytest.mark.engine

TOMLLIB = standard_library() / "tomllib"


def test_bench_prints_every_contender_and_writes_the_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bench.json"
    assert main(["bench", str(TOMLLIB), "--repeat", "1", "--json", str(out)]) == 0
    table = capsys.readouterr().out
    for name in ("| pure |", "| model |", "| dict |", "| frozenset |", "| tuple |", "| loop |"):
        assert name in table
    report = json.loads(out.read_text())
    assert report["files"] == 4 and report["records"] > 2000
    assert report["cells"] >= report["inserts"] > 0  # one cell per insert, and the joins' own
    assert report["build"].startswith("arenacheck.impl: the ")
    for build in {"pure", "compiled"} & {row["name"] for row in report["maps"]}:
        impl = next(row for row in report["maps"] if row["name"] == build)
        assert impl["ratios"]["memory"] < 0.1  # bytes, not time: ranges against a dict's entries


def test_a_contender_that_is_not_installed_is_skipped_with_a_note(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bench, "available", lambda needs: needs is None)
    assert main(["bench", str(TOMLLIB / "_types.py"), "--repeat", "1"]) == 0
    table = capsys.readouterr().out
    assert "| IntervalTree |" not in table
    assert "Not installed, skipped: IntervalDict (portion not installed)" in table


@pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is not None, reason="matplotlib is installed"
)
def test_a_plot_without_matplotlib_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", str(TOMLLIB), "--plot", "chart.png"]) == 2
    assert "pip install 'arenacheck[plot]'" in capsys.readouterr().err


def test_bad_numbers_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--repeat", "0"]) == 2
    assert "--repeat must be at least 1, not 0" in capsys.readouterr().err
