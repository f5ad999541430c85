"""The data that ships inside the package: the galleries (planted bugs, legal variants, broken
kernels and the prover's canary), the regression corpus and the fuzz seeds.

They are found through the package (``importlib.resources``), never through a source tree, so an
installed wheel has everything a checkout has: ``selftest`` its galleries, ``prove`` its canary,
``fuzz`` its seeds, and a user's test suite the regression corpus.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from arenacheck.program import Program, read_all
from arenacheck.structures import Structure


def root() -> Path:
    """The installed package's folder (a plain folder: wheels install unpacked)."""
    return Path(str(files("arenacheck")))


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")


def gallery() -> Path:
    return root() / "gallery"


def bugs() -> list[Path]:
    """The planted bugs: implementations with one bug each."""
    return _modules(gallery() / "bugs")


def variants() -> list[Path]:
    """The legal variants: implementations that use one freedom SPEC leaves each."""
    return _modules(gallery() / "variants")


def witness(variant: str) -> Path:
    """The program that the ``--strict`` decisions rejecting ``variant`` reject, and SPEC does
    not."""
    return gallery() / "variants" / "strict" / f"{variant}.jsonl"


def kernel(name: str) -> Path:
    """A kernel broken on purpose (``canary_find`` is the prover's canary)."""
    return gallery() / "kernels" / f"{name}.py"


def corpus() -> list[Path]:
    """The regression corpus: programs every implementation must pass."""
    return sorted((root() / "corpus").glob("*.jsonl"))


def starts(structure: Structure) -> tuple[Program, ...]:
    """The starts of programs traced from real code (the standard library's ``tomllib``): where
    some stateful examples begin (``make seeds`` writes them, a program sequence per structure).
    """
    return _starts(structure)


@cache
def _starts(structure: Structure) -> tuple[Program, ...]:
    path = root() / "seeds" / "starts" / f"{structure}.jsonl"
    return tuple(read_all(path)) if path.exists() else ()


def seeds(structure: Structure) -> Path:
    """The fuzz seeds of one target (``make seeds`` writes them)."""
    return root() / "seeds" / structure
