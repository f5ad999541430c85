"""The product where users install it: the wheel, installed into a fresh virtual environment
outside the checkout, runs ``check``, ``prove`` with its canary, ``selftest`` on a gallery bug,
``fuzz`` from the shipped seeds, and the pytest plugin in an empty directory — everything found
through the package, nothing through the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment with the wheel (and its fuzz and prove extras, and pytest) installed;
    its ``bin`` folder. Dependencies come from pip's cache where the checkout's set-up left them."""
    where = tmp_path_factory.mktemp("installed")
    dist = where / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(dist), str(ROOT)], check=True)
    [wheel] = dist.glob("arenacheck-*.whl")
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*python, "install", f"{wheel}[fuzz,prove]", "pytest"], check=True)
    return venv / "bin"


def run(bin_dir: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(bin_dir / argv[0]), *argv[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """An empty directory outside the checkout: nothing of the source tree can be found."""
    assert not tmp_path.resolve().is_relative_to(ROOT)
    return tmp_path


def test_the_installed_package_is_not_the_checkout(installed: Path, outside: Path) -> None:
    done = run(installed, outside, "python", "-c", "import arenacheck; print(arenacheck.__file__)")
    assert not Path(done.stdout.strip()).resolve().is_relative_to(ROOT), done.stdout
    assert run(installed, outside, "arenacheck", "--version").stdout.startswith("arenacheck ")


def test_check_runs_every_engine(installed: Path, outside: Path) -> None:
    done = run(
        installed, outside, "arenacheck", "check", "--structure", "intervals", "--budget", "6"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for engine in ("stateful:", "fuzz:", "prove:"):
        assert engine in done.stdout, done.stdout


def test_prove_refutes_its_canary(installed: Path, outside: Path) -> None:
    argv = ["arenacheck", "prove", "--only", "map_lookup", "--per-condition-timeout", "5"]
    done = run(installed, outside, *argv)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "canary (canary_find.py): caught" in done.stdout


def test_selftest_catches_a_shipped_bug(installed: Path, outside: Path) -> None:
    argv = ["selftest", "--bug", "copy_whole_list", "--engines", "stateful", "--budget", "5"]
    done = run(installed, outside, "arenacheck", *argv)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| `copy_whole_list` | caught" in done.stdout


def test_fuzz_starts_from_the_shipped_seeds(installed: Path, outside: Path) -> None:
    seeds = run(installed, outside, "python", "-c", "from arenacheck import resources; "
                "print(len(list(resources.seeds('intervals').iterdir())))")  # fmt: skip
    assert int(seeds.stdout) >= 10, seeds.stdout + seeds.stderr
    argv = ["fuzz", "--structure", "intervals", "--time", "3", "--corpus", str(outside / "c")]
    done = run(installed, outside, "arenacheck", *argv)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "clean" in done.stdout


def test_the_pytest_plugin_checks_an_implementation_in_an_empty_directory(
    installed: Path, outside: Path
) -> None:
    argv = ["pytest", "-p", "no:cacheprovider", "--arenacheck-impl", "arenacheck.model"]
    argv += ["--arenacheck-profile", "ci", "--junitxml", str(outside / "junit.xml")]
    done = run(installed, outside, "python", "-m", *argv)
    assert done.returncode == 0, done.stdout + done.stderr
    junit = (outside / "junit.xml").read_text()
    assert 'name="stateful[alist]"' in junit and 'name="corpus[copy_whole_list]"' in junit
