"""The CrossHair engine: ``arenacheck prove`` finds no counterexample in the real contracts, always
refutes the canary, catches gallery bugs on its own (one per structure, one allocation bug) with
a program that replays, and never passes a run that explored nothing.

The command runs in a process of its own (``prove_cli``): the solver keeps native state between
runs, and one long process of many runs is not what users run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("crosshair", reason="prove needs CrossHair: pip install 'arenacheck[prove]'")

from arenacheck import laws, optional, resources
from arenacheck.cli import main
from arenacheck.drive import run_program
from arenacheck.engines.prove import run as prove
from arenacheck.implementation import import_module, load
from arenacheck.program import read

GALLERY = resources.gallery() / "bugs"
pytestmark = pytest.mark.slow


def prove_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arenacheck", *args], capture_output=True, text=True, check=False
    )


def test_the_contracts_hold_on_the_bundled_implementation(
    tmp_path: Path,
) -> None:
    # A path count, not seconds, bounds each condition: the same run on a slow or busy machine.
    # The whole run's budget is only a backstop, wide enough for a loaded machine (the default
    # 300 s ran out once with two other jobs on two cores: conditions "not run" is no verdict).
    args = ["--per-condition-timeout", "60", "--max-paths", "150", "--budget", "3600"]
    args += ["--out", str(tmp_path)]
    done = prove_cli("prove", *args)
    assert done.returncode == 0, done.stdout
    out = done.stdout
    assert "canary (canary_find.py): caught" in out
    summary = out.strip().splitlines()[-1]
    conditions = prove.Plan(prove.DEFAULT_TARGETS, "arenacheck.impl").tasks()
    assert summary.startswith(f"{len(conditions)} conditions checked")
    assert " 0 counterexamples" in summary


def test_the_canary_is_refuted() -> None:
    done = prove_cli("prove", "--target", str(prove.CANARY), "--per-condition-timeout", "20")
    assert done.returncode == 1
    assert "false when calling canary_find_law(" in done.stdout


@pytest.mark.parametrize(
    ("bug", "only", "law"),
    [
        ("copy_whole_list", "alist_program", laws.ALLOCATION),
        ("write_through_replace", "alist_program", laws.PERSISTENCE),
        ("lookup_bisect_left", "map_lookup", laws.RECORDED_LOOKUP),
    ],
)
def test_prove_alone_catches_gallery_bugs(bug: str, only: str, law: str, tmp_path: Path) -> None:
    path = str(GALLERY / f"{bug}.py")
    args = ["prove", "--impl", path, "--only", only, "--per-condition-timeout", "30"]
    assert prove_cli(*args, "--out", str(tmp_path)).returncode == 1
    [written] = tmp_path.glob("*.jsonl")
    verdict = run_program(read(written), load(path))
    assert verdict.violation is not None
    assert verdict.violation.law in import_module(path).LAWS
    assert run_program(read(written), load("arenacheck.impl")).ok


def test_a_run_that_checks_nothing_fails(tmp_path: Path) -> None:
    empty = tmp_path / "no_contracts.py"
    empty.write_text("def f(x: int) -> int:\n    return x\n")
    done = prove_cli("prove", "--target", str(empty), "--per-condition-timeout", "1")
    assert done.returncode == 1
    assert done.stdout.strip().splitlines()[-1].startswith("0 conditions checked")


def test_a_precondition_nothing_meets_is_not_a_pass(tmp_path: Path) -> None:
    vacuous = tmp_path / "vacuous.py"
    vacuous.write_text(
        'def f(x: int) -> int:\n    """\n    pre: x < 0 and x > 0\n    post: __return__ == x\n    """\n    return x\n'
    )
    done = prove_cli("prove", "--target", str(vacuous), "--per-condition-timeout", "2")
    assert done.returncode == 1
    assert prove.VACUOUS in done.stdout


def test_without_crosshair_prove_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(optional, "available", lambda package: package != "crosshair")
    assert main(["prove"]) == 2
    assert "pip install 'arenacheck[prove]'" in capsys.readouterr().err


def test_the_crosshair_backend_finds_what_random_generation_cannot(tmp_path: Path) -> None:
    """``sentinel_index`` drops one exact index out of 2**32: the solver picks it."""
    path = str(GALLERY / "sentinel_index.py")
    base = [
        "check",
        "--impl",
        path,
        "--structure",
        "intervals",
        "--seed",
        "0",
        "--out",
        str(tmp_path),
    ]
    assert prove_cli(*base, "--budget", "15").returncode == 0  # random generation misses it
    assert prove_cli(*base, "--budget", "120", "--backend", "crosshair").returncode == 1
    [written] = tmp_path.glob("*.jsonl")
    assert "2779096485" in written.read_text()


MUTANT = """
import sys
from arenacheck.engines.prove import contracts
from arenacheck.engines.prove import run as prove
from arenacheck.impl import kernels
from arenacheck.implementation import from_file
from pathlib import Path

broken = from_file(Path(sys.argv[1]))
setattr(kernels, broken.KERNEL, getattr(broken, broken.KERNEL))
[task] = [
    t
    for t in prove.tasks([contracts], diffs=False)
    if t.function.endswith(broken.LAW) and t.condition.startswith(broken.CONDITION)
]
[result] = prove.prove([task], 60.0, 600.0)
print(result.verdict)
"""


@pytest.mark.parametrize("mutant", ["swapped_merge", "replace_copies"])
def test_the_kernel_contracts_refute_broken_kernels(mutant: str) -> None:
    path = resources.kernel(mutant)
    done = subprocess.run(
        [sys.executable, "-c", MUTANT, str(path)], capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == prove.COUNTEREXAMPLE, done.stdout + done.stderr


def test_crosshairs_own_command_line_refutes_the_canary_and_checks_a_contract() -> None:
    """``crosshair check`` works on the project's modules as they are (docs/proving.md)."""
    crosshair = [sys.executable, "-m", "crosshair", "check", "--per_condition_timeout", "10"]
    canary = subprocess.run(
        [*crosshair, str(resources.kernel("canary_find"))], capture_output=True, text=True
    )
    assert canary.returncode == 1 and "false when calling canary_find_law(" in canary.stdout
    contract = subprocess.run(
        [*crosshair, "arenacheck.engines.prove.contracts.find_law"], capture_output=True, text=True
    )
    assert contract.returncode == 0, contract.stdout + contract.stderr
