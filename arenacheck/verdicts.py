"""What running a program found: the first violation, the verdict, and what the run did.

These are the result types every part of the harness shares — the sessions that check laws, the
drive loop, the failure path, every engine and the command line — so they live apart from all
of them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from arenacheck import laws
from arenacheck.program import Program
from arenacheck.values import encode_line

#: A ledger entry: (law, form).
Entry = tuple[str, str]


def short(value: Any, limit: int = 400) -> str:
    """``value`` for a report: its text, cut in the middle of very long ones."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 20] + f"... ({len(text)} chars)"


@dataclass(frozen=True)
class Violation:
    """The first law a program broke: where, which, and expected against actual."""

    line: int
    op: Any
    law: str
    expected: Any
    actual: Any
    detail: str = ""

    def describe(self) -> str:
        section = laws.SECTIONS.get(self.law, "")
        line = json.dumps(encode_line(self.op))
        lines = [
            f"law {self.law!r} ({section}) broken at line {self.line}: {line}",
            f"  expected: {short(self.expected)}",
            f"  actual:   {short(self.actual)}",
        ]
        if self.detail:
            lines.append(f"  {self.detail}")
        return "\n".join(lines)


class ViolationFound(AssertionError):
    """A session stopped on a violation; the drive loop adds the program that led to it."""

    def __init__(self, violation: Violation, program: Program | None = None) -> None:
        super().__init__(violation.describe())
        self.violation = violation
        self.program = program


@dataclass
class Stats:
    """What a run did: programs, operations, law checks by law, the programs an implementation
    could not run to the end, and the ledger's entries — checks by (law, form) — with the first
    program that reached each."""

    programs: int = 0
    operations: int = 0
    checks: Counter[str] = field(default_factory=Counter)
    unsupported: int = 0  # programs an implementation could not run to the end
    #: Those programs by the form of the operation answered unsupported (``end``: the end checks).
    cut: Counter[str] = field(default_factory=Counter)
    unnamed: int = 0  # expected errors an external implementation reported without a known kind
    entries: Counter[Entry] = field(default_factory=Counter)
    #: Operations by the class of a field's domain they reached (``record.scope:2^32-1``).
    reached: Counter[str] = field(default_factory=Counter)
    first: dict[Entry, str] = field(default_factory=dict)  # a program's text, JSON Lines
    #: In one session's stats: the line each entry was first reached at, and the operations so
    #: far (the first program of an entry is made only when a run has not seen the entry yet).
    lines: dict[Entry, int] = field(default_factory=dict)
    program: Program | None = None

    def add(self, other: Stats, seen: Collection[Entry] = ()) -> None:
        """Add ``other``'s counts; the first program of each entry new here is kept (unless
        ``seen``: the caller has it already — a program's text is dear to make)."""
        self.programs += other.programs
        self.operations += other.operations
        self.checks.update(other.checks)
        self.unsupported += other.unsupported
        self.cut.update(other.cut)
        self.unnamed += other.unnamed
        self.reached.update(other.reached)
        for entry in other.entries.keys() - self.entries.keys():
            if entry not in self.first and entry not in seen:
                self.first[entry] = other.first_program(entry)
        self.entries.update(other.entries)

    def first_program(self, entry: Entry) -> str:
        """The text of the first program that reached ``entry``: up to the line it did."""
        if entry in self.first or self.program is None:
            return self.first.get(entry, "")
        program = self.program
        upto = self.lines[entry] - 1  # the header is line 1; the n-th operation, line n + 1
        return Program(program.structure, list(program.ops[:upto])).dumps()

    @property
    def total_checks(self) -> int:
        return sum(self.checks.values())


@dataclass
class Verdict:
    """The outcome of running one program."""

    program: Program
    violation: Violation | None
    stats: Stats
    unsupported: int | None = None  # the line an implementation answered unsupported
    cut: str | None = None  # that operation's form

    @property
    def ok(self) -> bool:
        return self.violation is None
