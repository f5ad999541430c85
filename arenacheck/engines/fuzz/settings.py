"""The fuzz engine's settings: how many target processes, where the corpus lives, whether to
start from the shipped seeds, and flags passed through to libFuzzer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FuzzSettings:
    """``jobs`` processes per target sharing one corpus (``corpus``; None: a temporary one, gone
    after the run), the shipped seeds read at start (``seeds``), libFuzzer's own flags."""

    jobs: int = 1
    corpus: Path | None = None
    seeds: bool = True
    libfuzzer: tuple[str, ...] = ()
