"""``arenacheck selftest``: each engine alone against gallery bugs and legal variants, a matrix, and
a failing exit status when a bug escapes every engine or an engine flags a legal variant."""

from __future__ import annotations

from pathlib import Path

import pytest

from arenacheck import resources
from arenacheck.cli import main
from arenacheck.engines import selftest

pytestmark = pytest.mark.slow


def test_selftest_prints_the_matrix_and_writes_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "detection.md"
    args = [
        "selftest",
        "--bug",
        "copy_whole_list",
        "lazy_entry",
        "--engines",
        "stateful",
        "external",
    ]
    assert main([*args, "--budget", "4", "--markdown", str(table)]) == 0
    out = capsys.readouterr().out
    assert "| `copy_whole_list` | caught" in out
    assert "(allocation)" in out
    assert "| `lazy_entry` | clean | clean |" in out
    assert "1 of 1 legal variants passed every engine" in out
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
    assert main(["selftest", "--engines", "stateful", "--budget", "2", "--no-variants"]) == 1
    assert "escaped every engine: no_bug" in capsys.readouterr().out


def test_a_legal_variant_an_engine_flags_fails_the_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A "variant" that is a gallery bug is flagged: a false alarm, exit status 1."""
    monkeypatch.setattr(
        selftest, "variants", lambda: [resources.gallery() / "bugs" / "copy_whole_list.py"]
    )
    args = ["selftest", "--bug", "copy_whole_list", "--engines", "stateful", "--budget", "4"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "| `copy_whole_list` | FALSE ALARM" in out
    assert "false alarms on legal variants: copy_whole_list" in out


def test_an_unknown_bug_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["selftest", "--bug", "no_such_bug"]) == 2
    assert "no such gallery bug or legal variant: no_such_bug" in capsys.readouterr().err
