"""The ledger: what a run exercised — every law the runner checked, crossed with the *form* of the
operation it checked it on — counted by engine, with the first program that reached each entry.

A form is an operation of the vocabulary with what distinguishes it: its combine or callback and
where a raising one raises, the bad-handle call, where an insert lands in its list (into an empty
one, above every key, inside, below every key, on a present key), long lists and runs (law 6),
where a lookup falls (at a record, between records of one scope or of two, outside them, at the
domain's edges, a value outside it). ``FORMS`` lists every form the vocabulary allows, so a run can
say which it never reached; ``form`` names the form of one operation, from the operation and the
state it runs in. Counting is cheap: one counter per law check, and a program copied only when an
entry is reached for the first time in a run.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from arenacheck.vocabulary import (
    ALIST,
    BAD_HANDLE_CALLS,
    COMBINES,
    FNS,
    INTERVALS,
    Op,
    Structure,
    is_int,
)

#: A list (or a run) this long is long: law 6 is about operations on long lists, and one longer
#: than the runner's stack headroom (250 frames) is enough to exhaust a recursive implementation.
LONG = 300
#: Where a raising combine raises: after this many calls (the generators use these).
AFTERS = range(4)
#: Where an insert, replace or ``insert_with`` lands in its list.
PLACES = ("empty", "above", "inside", "below", "present")
#: The end-of-program checks (every list read again: law 3; the map's ranges once more).
ENDS: dict[Structure, str] = {"alist": "end", "intervals": "map:end"}
#: Where a lookup falls, relative to the records.
LOOKUPS = ("at", "between-same", "between-different", "outside", "edge", "bad")
#: What a record is, relative to the records before it.
RECORDS = ("new", "again", "conflict", "bad", "finished")
SCHEMA = "arenacheck-ledger/1"

Entry = tuple[str, str]  # (law, form)


def _merge_forms(name: str) -> list[str]:
    callbacks = ["set", *COMBINES, "reenter", *(f"raise-{n}" for n in AFTERS)]
    sizes = ["", ":empty", ":same", ":long"]
    return [f"{name}:{c}{s}" for c in callbacks for s in sizes]


def _forms() -> dict[Structure, list[str]]:
    """Every form the vocabulary allows."""
    alist: list[str] = []
    for name in ALIST:
        if name in ("intersect", "union"):
            alist += _merge_forms(name)
        elif name == "insert":
            alist += [f"insert:{p}" for p in PLACES] + [f"insert:set:{p}" for p in PLACES]
            alist += ["insert:foreign"]
        elif name == "replace":
            alist += [f"replace:{p}" for p in (*PLACES, "equal")] + ["replace:foreign"]
        elif name == "insert_with":
            alist += [f"insert_with:{fn}:{p}" for fn in FNS for p in PLACES]
            alist += ["insert_with:foreign"]
        elif name == "extend":
            alist += ["extend:up", "extend:down", "extend:up:long", "extend:down:long"]
        elif name == "get":
            alist += ["get:present", "get:absent", "get:empty", "get:foreign"]
        elif name == "bad_handle":
            alist += [f"bad_handle:{call}" for call in BAD_HANDLE_CALLS]
            alist += ["bad_handle:intersect:2", "bad_handle:union:2"]
        elif name == "build":
            alist += ["build", "build:again"]
        else:
            alist.append(name)
    alist.append("end")  # the end-of-program checks: every list read again (law 3)
    intervals: list[str] = []
    for name in INTERVALS:
        if name == "record":
            intervals += [f"record:{r}" for r in RECORDS]
        elif name == "lookup":
            intervals += [f"lookup:{where}" for where in LOOKUPS]
        elif name == "build":  # "map:": an alist builder builds too
            intervals += ["map:build", "map:build:conflict", "map:build:again"]
        else:
            intervals.append(name)
    intervals.append("map:end")
    return {"alist": alist, "intervals": intervals}


FORMS: dict[Structure, list[str]] = _forms()


def _key(entry: tuple[Any, Any]) -> Any:
    return entry[0]


def place(entries: Sequence[tuple[Any, Any]], key: Any) -> str:
    """Where ``key`` lands in a list holding ``entries`` (ascending): ``foreign`` for a key that
    cannot be compared with the list's (SPEC §2.2: the comparison's ``TypeError``)."""
    if not entries:
        return "empty"
    first, last = entries[0][0], entries[-1][0]
    if is_int(key) != is_int(first):  # the generators' keys: ints, and a string now and then
        return "foreign"
    at = bisect_left(entries, key, key=_key)
    if at < len(entries) and entries[at][0] == key:
        return "present"
    if key > last:
        return "above"
    return "below" if key < first else "inside"


def alist_form(op: Op, contents: Sequence[Sequence[tuple[Any, Any]]], built: bool) -> str:
    """The form of an alist operation, given the contents of the lists it reads (in field order:
    ``src``, or ``a`` and ``b``, or ``var``) and whether the builder is finished."""
    name = op["op"]
    if name in ("intersect", "union"):
        callback = op.get("combine", "set")
        if callback == "raise":
            callback = f"raise-{op.get('after', 0)}"
        size = ""
        if any(len(c) >= LONG for c in contents):
            size = ":long"
        elif not all(contents):
            size = ":empty"
        elif op["a"] == op["b"]:
            size = ":same"
        return f"{name}:{callback}{size}"
    if name in ("insert", "replace", "insert_with"):
        key = op["key"]
        where = place(contents[0], key)
        if where == "foreign":
            return f"{name}:foreign"
        if name == "replace" and where == "present":
            at = bisect_left(contents[0], key, key=_key)
            where = "equal" if contents[0][at][1] == op["value"] else where
        if name == "insert_with":
            return f"insert_with:{op.get('fn', 'value')}:{where}"
        return f"{name}:{'set:' if name == 'insert' and 'value' not in op else ''}{where}"
    if name == "extend":
        way = "up" if op["step"] > 0 else "down"
        return f"extend:{way}{':long' if op['count'] >= LONG else ''}"
    if name == "get":
        where = place(contents[0], op["key"])
        if where in ("foreign", "empty"):
            return f"get:{where}"
        return f"get:{'present' if where == 'present' else 'absent'}"
    if name == "bad_handle":
        call = op["call"]
        second = call in ("intersect", "union") and op.get("position", 1) == 2
        return f"bad_handle:{call}{':2' if second else ''}"
    if name == "build":
        return "build:again" if built else "build"
    return str(name)


def lookup_form(index: object, scopes: Mapping[int, int], indices: Sequence[int]) -> str:
    """Where a lookup of ``index`` falls, given the recorded index -> scope and the recorded
    indices in order."""
    if not (is_int(index) and 0 <= index < 2**32):  # type: ignore[operator]
        return "lookup:bad"
    assert isinstance(index, int)
    if index in scopes:
        return "lookup:at"
    if index in (0, 2**32 - 1):
        return "lookup:edge"
    at = bisect_left(indices, index)
    if at == 0 or at == len(indices):
        return "lookup:outside"
    same = scopes[indices[at - 1]] == scopes[indices[at]]
    return f"lookup:between-{'same' if same else 'different'}"


def record_form(op: Op, records: Mapping[int, int], finished: bool) -> str:
    """What a record is, given the records before it (index -> scope)."""
    index, scope = op["index"], op["scope"]
    if finished:
        return "record:finished"
    if not all(is_int(v) and 0 <= v < 2**32 for v in (index, scope)):
        return "record:bad"
    if index not in records:
        return "record:new"
    return "record:again" if records[index] == scope else "record:conflict"


@dataclass
class Ledger:
    """The checks of a run by (law, form), by engine, and the first program of each entry."""

    checks: dict[str, Counter[Entry]] = field(default_factory=dict)  # engine -> counts
    first: dict[Entry, tuple[str, str]] = field(default_factory=dict)  # -> (engine, program)
    structures: set[str] = field(default_factory=set)

    def add(self, engine: str, counts: Counter[Entry], first: Mapping[Entry, str]) -> None:
        """One program's (or one process's) counts, as ``engine`` made them."""
        self.checks.setdefault(engine, Counter()).update(counts)
        for entry, program in first.items():
            self.first.setdefault(entry, (engine, program))

    def merge(self, other: Ledger) -> None:
        for engine, counts in other.checks.items():
            self.add(engine, counts, {e: p for e, (g, p) in other.first.items() if g == engine})
        self.structures |= other.structures

    def total(self) -> Counter[Entry]:
        out: Counter[Entry] = Counter()
        for counts in self.checks.values():
            out.update(counts)
        return out

    def by_form(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for (_, form), n in self.total().items():
            out[form] += n
        return out

    def unreached(self) -> list[str]:
        """The forms of the run's structures that no check reached."""
        reached = self.by_form()
        return [f for s in sorted(self.structures) for f in FORMS[s] if not reached[f]]  # type: ignore[index]

    def thinnest(self, n: int = 10) -> list[tuple[str, int]]:
        """The reached forms with the fewest checks."""
        reached = [(f, c) for f, c in self.by_form().items() if c]
        return sorted(reached, key=lambda fc: (fc[1], fc[0]))[:n]

    def count(self, entry: str) -> int:
        """Checks of an entry named ``FORM``, ``LAW`` or ``LAW@FORM``."""
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
            "forms": {s: FORMS[s] for s in sorted(self.structures)},  # type: ignore[index]
            "unreached": self.unreached(),
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


def dump_entries(entries: Mapping[Entry, int], first: Mapping[Entry, str]) -> str:
    """A process's entries and first programs, as JSON: how a fuzz target hands its ledger over."""
    rows = [[law, form, n, first.get((law, form), "")] for (law, form), n in entries.items()]
    return json.dumps({"schema": SCHEMA, "entries": rows})


def load_entries(text: str) -> tuple[Counter[Entry], dict[Entry, str]]:
    """The entries and first programs ``dump_entries`` wrote."""
    counts: Counter[Entry] = Counter()
    first: dict[Entry, str] = {}
    for law, form, n, program in json.loads(text)["entries"]:
        counts[(law, form)] += n
        if program:
            first.setdefault((law, form), program)
    return counts, first
