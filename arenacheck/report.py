"""What a run leaves behind: failing programs as files, and measured tables in pages of prose.

Every violation any engine finds becomes a program file (SPEC §4) that ``arenacheck replay``
reproduces; its name says what broke and is stable for its text, so the same failure found twice
is one file. Measured tables (selftest's matrix, the mutation score) are written between markers
in a page of ``docs/``, so the prose around them stays as written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from arenacheck.program import Program, dumps_all

DEFAULT_OUT = "arenacheck-failures"


def write_failure(program: Program, law: str, out: Path) -> Path:
    """Write a failing program under a name that says what broke and is stable for its text."""
    digest = hashlib.sha256(program.dumps().encode()).hexdigest()[:10]
    slug = law.replace(" ", "-")
    return program.write(out / f"{program.structure}-{slug}-{digest}.jsonl")


def write_sequence(programs: Sequence[Program], law: str, out: Path) -> Path:
    """Write a program sequence (the programs run before a failure, and the failing one) under a
    name that says what broke and is stable for its text."""
    text = dumps_all(programs)
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    slug = law.replace(" ", "-")
    path = out / f"{programs[-1].structure}-{slug}-sequence-{digest}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_between_markers(path: Path, text: str, name: str) -> None:
    """Put ``text`` between the ``<!-- name -->`` markers of ``path``, so a measured table can sit
    in a page of prose: a new file is ``text`` alone; a file without the markers gets them at its
    end; nothing else in the file changes."""
    begin, end = f"<!-- {name} -->\n", f"<!-- /{name} -->"
    if not path.exists():
        path.write_text(text)
        return
    old = path.read_text()
    if begin not in old or end not in old:
        old = old.rstrip("\n") + "\n\n" + begin + end + "\n"
    head, rest = old.split(begin, 1)
    path.write_text(head + begin + text + end + rest.split(end, 1)[1])
