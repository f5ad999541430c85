"""``arenacheck selftest``: each engine alone against gallery bugs, a matrix, and a failing exit
status when a bug escapes every engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from arenacheck import selftest
from arenacheck.cli import main


def test_selftest_prints_the_matrix_and_writes_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "detection.md"
    args = ["selftest", "--bug", "copy_whole_list", "--engines", "stateful", "external"]
    assert main([*args, "--budget", "20", "--markdown", str(table)]) == 0
    out = capsys.readouterr().out
    assert "| `copy_whole_list` | caught" in out
    assert "(allocation)" in out
    assert table.read_text() in out


def test_a_bug_that_escapes_every_engine_fails_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A "bug" that is the bundled implementation itself cannot be caught: exit status 1."""
    no_bug = tmp_path / "no_bug.py"
    no_bug.write_text(
        'STRUCTURE = "intervals"\nLAWS: set[str] = set()\n'
        "from arenacheck.impl import EMPTY, IntervalMapBuilder, ListBuilder\n"
    )
    monkeypatch.setattr(selftest, "bugs", lambda: [no_bug])
    assert main(["selftest", "--engines", "stateful", "--budget", "2"]) == 1
    assert "escaped every engine: no_bug" in capsys.readouterr().out


def test_an_unknown_bug_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["selftest", "--bug", "no_such_bug"]) == 2
    assert "no such gallery bug: no_such_bug" in capsys.readouterr().err
