"""The ledger: what a run exercised — every law the runner checked, crossed with the *form* of the
operation it checked it on — counted by engine, with the first program that reached each entry.

A form is an operation with what distinguishes it: its combine or callback and where a raising
one raises, the bad-handle call, where an insert lands in its list (into an empty one, above
every key, inside, below every key, on a present key), long lists and runs (law 6), where a
lookup falls (at a record, between records of one scope or of two, outside them, at the domain's
edges, a value outside it). Each operation declares its forms and names the form of one
operation in the state it runs in (``arenacheck.ops``); ``forms`` lists every form of a
structure, so a run can say which it never reached. Counting is cheap: one counter per law
check, and a program copied only when an entry is reached for the first time in a run.

Beside the forms, the ledger shows the *domain* a run reached: for every field whose domain
declares classes (``arenacheck.domains``: an index or a scope by magnitude), the operations that
ran with a value of each class (``record.scope:[2^16,2^31)``), by engine; ``classes`` lists
them all, and a requirement names one as it names a form.
"""

from __future__ import annotations

import fnmatch
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from arenacheck.structures import Structure
from arenacheck.verdicts import Entry, Stats

T = TypeVar("T")

#: The end-of-program checks' form (every list read again: law 3; the map's ranges once more).
ENDS: dict[Structure, str] = {"alist": "end", "intervals": "map:end"}
SCHEMA = "arenacheck-ledger/2"
#: The forms ``check`` does not require, each with the reason: none. The forms engine runs a
#: program for every form, so an implementation that runs every operation reaches them all; a
#: form it cannot run must be accepted by name (``--allow-unsupported``), never dropped here.
EXEMPT: dict[str, str] = {}

__all__ = [
    "ENDS",
    "EXEMPT",
    "SCHEMA",
    "Entry",
    "Ledger",
    "allowed",
    "classes",
    "forms",
    "parse_requirement",
    "unmet",
]


def forms(structure: Structure | str) -> list[str]:
    """Every form of ``structure``: each operation's, in the registry's order, then the end's.
    Read from the registry when asked, so an operation registered later is listed too."""
    from arenacheck.ops import operations

    found = [form for op in operations(structure).values() for form in op.forms()]  # type: ignore[arg-type]
    return [*found, ENDS[structure]]  # type: ignore[index]


def classes(structure: Structure | str) -> list[str]:
    """Every class of every classified field of ``structure``'s operations, as the ledger names
    them (``OPERATION.FIELD:CLASS``), in the registry's order."""
    from arenacheck.ops import operations

    return [c for op in operations(structure).values() for c in op.reaches()]  # type: ignore[arg-type]


def is_class(entry: str) -> bool:
    """Whether a requirement names a domain class (``record.scope:0``), not a form or a law."""
    return "." in entry.partition(":")[0]


def summed(by_engine: Mapping[str, Counter[T]]) -> Counter[T]:
    """Counts by engine, added up."""
    out: Counter[T] = Counter()
    for counts in by_engine.values():
        out.update(counts)
    return out


@dataclass
class Ledger:
    """The checks of a run by (law, form), by engine, and the first program of each entry."""

    checks: dict[str, Counter[Entry]] = field(default_factory=dict)  # engine -> counts
    first: dict[Entry, tuple[str, str]] = field(default_factory=dict)  # -> (engine, program)
    structures: set[str] = field(default_factory=set)
    #: Programs cut short by an operation the implementation answered unsupported, by engine and
    #: by that operation's form.
    cut: dict[str, Counter[str]] = field(default_factory=dict)
    #: Operations by the domain class they reached, by engine.
    reached: dict[str, Counter[str]] = field(default_factory=dict)

    def add(
        self,
        engine: str,
        counts: Counter[Entry],
        first: Mapping[Entry, str],
        cut: Mapping[str, int] | None = None,
        reached: Mapping[str, int] | None = None,
    ) -> None:
        """One program's (or one process's) counts, as ``engine`` made them."""
        self.checks.setdefault(engine, Counter()).update(counts)
        for entry, program in first.items():
            self.first.setdefault(entry, (engine, program))
        if cut:
            self.cut.setdefault(engine, Counter()).update(cut)
        if reached:
            self.reached.setdefault(engine, Counter()).update(reached)

    def add_stats(self, engine: str, stats: Stats) -> None:
        """What one engine's stats say: its checks, first programs, programs cut short and the
        domain classes reached."""
        self.add(engine, stats.entries, stats.first, stats.cut, stats.reached)

    def merge(self, other: Ledger) -> None:
        for engine, counts in other.checks.items():
            self.add(engine, counts, {e: p for e, (g, p) in other.first.items() if g == engine})
        for engine, cut in other.cut.items():
            self.cut.setdefault(engine, Counter()).update(cut)
        for engine, reached in other.reached.items():
            self.reached.setdefault(engine, Counter()).update(reached)
        self.structures |= other.structures

    def domain(self) -> Counter[str]:
        """Operations by the domain class they reached, over every engine."""
        return summed(self.reached)

    def unreached_classes(self) -> list[str]:
        """The domain classes of the run's structures no operation reached."""
        reached = self.domain()
        return [c for s in sorted(self.structures) for c in classes(s) if not reached[c]]

    def cut_short(self) -> Counter[str]:
        """Programs cut short, by the form answered unsupported, over every engine."""
        return summed(self.cut)

    def total(self) -> Counter[Entry]:
        return summed(self.checks)

    def by_form(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for (_, form), n in self.total().items():
            out[form] += n
        return out

    def unreached(self) -> list[str]:
        """The forms of the run's structures that no check reached."""
        reached = self.by_form()
        return [f for s in sorted(self.structures) for f in forms(s) if not reached[f]]

    def thinnest(self, n: int = 10) -> list[tuple[str, int]]:
        """The reached forms with the fewest checks."""
        reached = [(f, c) for f, c in self.by_form().items() if c]
        return sorted(reached, key=lambda fc: (fc[1], fc[0]))[:n]

    def count(self, entry: str) -> int:
        """Checks of an entry named ``FORM``, ``LAW`` or ``LAW@FORM``; operations, of a domain
        class (``OPERATION.FIELD:CLASS``)."""
        if is_class(entry):
            return self.domain()[entry]
        total = self.total()
        if "@" in entry:
            law, form = entry.split("@", 1)
            return total[(law, form)]
        forms = self.by_form()
        if entry in forms:
            return forms[entry]
        return sum(n for (law, _), n in total.items() if law == entry)

    def report(self) -> dict[str, Any]:
        """The ledger as JSON (``SCHEMA``), for CI."""
        total = self.total()
        entries = [
            {
                "law": law,
                "form": form,
                "checks": {e: c[(law, form)] for e, c in self.checks.items() if c[(law, form)]},
                "first": {
                    "engine": self.first[(law, form)][0],
                    "program": self.first[(law, form)][1],
                }
                if (law, form) in self.first
                else None,
            }
            for (law, form) in sorted(total)
        ]
        return {
            "schema": SCHEMA,
            "structures": sorted(self.structures),
            "engines": sorted(self.checks),
            "forms": {s: forms(s) for s in sorted(self.structures)},
            "unreached": self.unreached(),
            "unsupported": {e: dict(sorted(c.items())) for e, c in sorted(self.cut.items())},
            "classes": {s: classes(s) for s in sorted(self.structures)},
            "unreached classes": self.unreached_classes(),
            "domain": {
                c: {e: r[c] for e, r in sorted(self.reached.items()) if r[c]}
                for c in sorted(self.domain())
            },
            "entries": entries,
        }

    def dumps(self) -> str:
        return json.dumps(self.report(), indent=1)


def parse_requirement(text: str) -> tuple[str, int]:
    """``ENTRY>=N`` (``ENTRY`` alone: at least one); ``ValueError`` names a malformed one."""
    entry, sep, number = text.rpartition(">=")
    if not sep:
        return text.strip(), 1
    if not number.strip().isdigit() or not entry.strip():
        raise ValueError(f"a requirement is ENTRY>=N, not {text!r}")
    return entry.strip(), int(number)


def unmet(ledger: Ledger, requirements: Iterable[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """The requirements a ledger does not meet: (entry, wanted, counted)."""
    return [(e, n, ledger.count(e)) for e, n in requirements if ledger.count(e) < n]


def allowed(form: str, accepted: Iterable[str]) -> bool:
    """Whether ``--allow-unsupported`` names ``form``: the form itself, or a pattern
    (``insert_with:*``, ``*:raise-*``) that matches it; or, for a domain class, one of the
    forms of the operation that reaches it (an implementation that cannot open another
    builder cannot end a program with several), or such a form cut short at that kind of key
    or value (``insert.value:float`` by ``*+value=float``: one that cannot hold floats)."""
    if any(fnmatch.fnmatchcase(form, pattern) for pattern in accepted):
        return True
    if not is_class(form):
        return False
    field, _, kind = form.partition(".")[2].partition(":")
    return any(
        allowed(f, accepted) or allowed(f"{f}+{field}={kind}", accepted) for f in owners(form)
    )


def waived(entry: str, accepted: Iterable[str], cut: Iterable[str]) -> bool:
    """Whether a requirement on ``entry`` is accepted as unsupported: ``allowed``, or a form
    whose programs were cut short at a kind of key or value the patterns accept (``replace:raises``
    needs a value whose ``==`` raises: ``replace:raises+value=object``)."""
    return allowed(entry, accepted) or any(
        c.startswith(f"{entry}+") and allowed(c, accepted) for c in cut
    )


def owners(label: str) -> list[str]:
    """The forms of the operation whose ``reaches`` names domain class ``label``."""
    from arenacheck.ops import operations
    from arenacheck.structures import STRUCTURES

    for structure in STRUCTURES:
        for op in operations(structure).values():
            if label in op.reaches():
                return op.forms()
    return []


def dump_entries(stats: Stats) -> str:
    """A process's entries, first programs and programs cut short, as JSON: how a fuzz target
    hands its ledger over."""
    first = stats.first
    rows = [[law, form, n, first.get((law, form), "")] for (law, form), n in stats.entries.items()]
    out = {"schema": SCHEMA, "entries": rows, "cut": dict(stats.cut), "reached": stats.reached}
    return json.dumps(out)


def load_entries(text: str) -> Stats:
    """What ``dump_entries`` wrote, as stats."""
    data = json.loads(text)
    stats = Stats(cut=Counter(data.get("cut", {})), reached=Counter(data.get("reached", {})))
    stats.unsupported = sum(stats.cut.values())
    for law, form, n, program in data["entries"]:
        stats.entries[(law, form)] += n
        if program:
            stats.first.setdefault((law, form), program)
    return stats
