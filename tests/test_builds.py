"""The two builds as users get them: ``pip install`` builds the compiled one where a C compiler
works and installs the pure one where none does, ``arenacheck.impl`` exports the compiled build
when it is there, ``ARENACHECK_BUILD`` forces either, and ``--version`` says which runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import arenacheck.impl
from arenacheck.cli import main

ROOT = Path(__file__).resolve().parent.parent


def build_here(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -c`` in a fresh interpreter with ``env`` added."""
    return subprocess.run(
        [sys.executable, *argv],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


def test_a_working_compiler_means_the_compiled_build_is_built() -> None:
    # guards every compiled-build test against skipping silently where a compiler works
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(cc) is None or os.environ.get("ARENACHECK_BUILD") == "pure":
        pytest.skip(f"no C compiler ({cc}) here, or the pure build forced")
    assert arenacheck.impl.BUILD == "compiled", arenacheck.impl.WHY
    import arenacheck.impl._native as native

    assert Path(native.__file__).resolve().parent == (ROOT / "impl").resolve()  # editable: in place
    assert native.PLANTED == 0


@pytest.mark.parametrize("wanted", ["pure", "compiled", "auto", ""])
def test_arenacheck_build_forces_a_build(wanted: str) -> None:
    code = "import arenacheck.impl as i; print(i.BUILD, type(i.ListBuilder()).__module__)"
    done = build_here("-c", code, ARENACHECK_BUILD=wanted)
    if wanted == "compiled" and arenacheck.impl.BUILD == "pure":
        assert done.returncode != 0 and "ImportError" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    build, module = done.stdout.split()
    expected = wanted if wanted in ("pure", "compiled") else arenacheck.impl.BUILD
    assert build == expected
    assert module == ("arenacheck.impl._native" if build == "compiled" else "arenacheck.impl.alist")


def test_an_unknown_build_fails_the_import_naming_it() -> None:
    done = build_here("-c", "import arenacheck.impl", ARENACHECK_BUILD="fast")
    assert done.returncode != 0
    assert "ARENACHECK_BUILD='fast'" in done.stderr and "pure" in done.stderr


def test_version_names_the_build(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert f"arenacheck.impl: the {arenacheck.impl.BUILD} build" in capsys.readouterr().out
    done = build_here("-m", "arenacheck", "--version", ARENACHECK_BUILD="pure")
    assert "the pure build (ARENACHECK_BUILD=pure)" in done.stdout


@pytest.mark.slow
def test_an_install_without_a_compiler_works_and_runs_the_pure_build(tmp_path: Path) -> None:
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    dist = tmp_path / "dist"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(CC="false", LDSHARED="false")  # they always fail: what an install without one sees
    source = tmp_path / "source"  # the tree without what a build left in it (objects, the .so)
    leftovers = (".git", ".venv", "build", "*.so", "*.egg-info", ".*cache", ".hypothesis")
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(*leftovers))
    built = subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", str(dist), str(source)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = dist.glob("arenacheck-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    install = [python, "-m", "pip", "--disable-pip-version-check", "-q", "install", str(wheel)]
    subprocess.run(install, check=True, env=env)
    outside = tmp_path / "outside"
    outside.mkdir()

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [python, *argv], cwd=outside, capture_output=True, text=True, env=env, check=False
        )

    version = run("-m", "arenacheck", "--version")
    assert "arenacheck.impl: the pure build (no compiled build here" in version.stdout, version
    assert (
        "ImportError: the extension arenacheck.impl._native is not built"
        in run("-c", "import arenacheck.impl.compiled").stderr
    )
    exhaust = run("-m", "arenacheck", "exhaust", "--structure", "intervals", "--max-ops", "2")
    assert exhaust.returncode == 0, exhaust.stdout + exhaust.stderr
