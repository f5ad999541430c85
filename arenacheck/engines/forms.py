"""The forms engine: one small program for every form of the ledger, run first by ``check``.

Random generation reaches most forms within a default budget, but not all on every run (a raising
combine on two lists of 300 keys, say: law 6 on each merge form), and a gate must not depend on
how fast the machine is. So ``check`` runs this fixed, deterministic set first: for each form of
``ledger.forms``, a program that ends with an operation of that form, on lists and records built
for it. Its requirements — every form the implementation could run, at least once — are
``check``'s default ``--require``. The programs are made from the forms themselves, so a form the
vocabulary gains gets its program here (``test_forms.py`` holds every form to one).
"""

from __future__ import annotations

import time
from typing import Any

from arenacheck.drive import run_program
from arenacheck.engines.base import Declared, Job, Outcome, Whole
from arenacheck.failure import report
from arenacheck.implementation import Implementation
from arenacheck.ledger import forms
from arenacheck.ops.alist.lists import LONG
from arenacheck.program import Program
from arenacheck.structures import Op, Structure
from arenacheck.verdicts import Stats

#: A list of two entries (variable 1, keys 10 and 20) and another (variable 3: 20 and 30) that
#: shares a key with it; the n-th list-producing line defines variable n.
TWO_LISTS: list[Op] = [
    {"op": "insert", "src": 0, "key": 10, "value": 1},
    {"op": "insert", "src": 1, "key": 20, "value": 2},  # var 2: {10, 20}
    {"op": "insert", "src": 0, "key": 20, "value": 5},
    {"op": "insert", "src": 3, "key": 30, "value": 6},  # var 4: {20, 30}
]
#: Where a key lands in ``{10, 20}``.
KEYS = {"empty": (0, 15), "above": (2, 30), "inside": (2, 15), "below": (2, 5), "present": (2, 10)}
RECORDS: list[Op] = [
    {"op": "record", "index": 10, "scope": 1},
    {"op": "record", "index": 12, "scope": 1},
    {"op": "record", "index": 14, "scope": 2},
]
LOOKUPS = {
    "at": 10,
    "between-same": 11,
    "between-different": 13,
    "outside": 20,
    "edge": 2**32 - 1,
    "bad": True,
}


def _put(name: str, where: str, **fields: Any) -> list[Op]:
    src, key = KEYS.get(where, (2, "k"))  # "foreign": a string key in a list of ints
    return [*TWO_LISTS, {"op": name, "src": src, "key": key, **fields}]


def _merge(form: str) -> list[Op]:
    name, callback, *size = form.split(":")
    ops: list[Op] = list(TWO_LISTS)
    a, b = 2, 4
    if size == ["empty"]:
        b = 0
    elif size == ["same"]:
        b = 2
    elif size == ["long"]:
        run = {"op": "extend", "src": 0, "start": 0, "step": 1, "count": LONG, "value": 1}
        ops.append(run)  # var 5: 0 .. LONG - 1, holding 10 and 20 too
        a = 5
    op: dict[str, Any] = {"op": name, "a": a, "b": b}
    if callback.startswith("raise-"):
        op |= {"combine": "raise", "after": int(callback.split("-")[1])}
    elif callback != "set":
        op["combine"] = callback
    return [*ops, op]


def alist_program(form: str) -> list[Op]:
    """A program whose last operation has ``form``."""
    name, _, rest = form.partition(":")
    parts = rest.split(":") if rest else []
    if name in ("intersect", "union"):
        return _merge(form)
    if name == "insert":
        where = parts[-1]
        return _put("insert", where) if parts[0] == "set" else _put("insert", where, value=7)
    if name == "replace":
        if parts == ["equal"]:
            return _put("replace", "present", value=1)
        return _put("replace", parts[0], value=7)
    if name == "insert_with":
        if parts == ["foreign"]:
            return _put("insert_with", "foreign", value=7)
        return _put("insert_with", parts[1], value=7, fn=parts[0])
    if name == "extend":
        count = LONG if parts[-1] == "long" else 5
        step = 1 if parts[0] == "up" else -1
        return [{"op": "extend", "src": 0, "start": 0, "step": step, "count": count, "value": 1}]
    if name == "get":
        var, key = {"present": (2, 10), "absent": (2, 15), "empty": (0, 1), "foreign": (2, "k")}[
            parts[0]
        ]
        return [*TWO_LISTS, {"op": "get", "var": var, "key": key}]
    if name == "items":
        return [*TWO_LISTS, {"op": "items", "var": 2}]
    if name == "bad_handle":
        op: dict[str, Any] = {"op": "bad_handle", "call": parts[0], "handle": -1}
        if len(parts) == 2:
            op["position"] = 2
        return [*TWO_LISTS, op]
    if name == "build":
        return [*TWO_LISTS, {"op": "build"}, *([{"op": "build"}] if parts else [])]
    return list(TWO_LISTS)  # end: every program has it


def intervals_program(form: str) -> list[Op]:
    """A program with an operation of ``form`` (a build probes every kind of lookup)."""
    name, _, rest = form.partition(":")
    build: list[Op] = [{"op": "build"}]
    if name == "record":
        last: dict[str, Op] = {
            "new": {"op": "record", "index": 30, "scope": 1},
            "again": {"op": "record", "index": 10, "scope": 1},
            "conflict": {"op": "record", "index": 10, "scope": 3},
            "bad": {"op": "record", "index": -1, "scope": 1},
            "finished": {"op": "record", "index": 30, "scope": 1},
        }
        if rest == "finished":
            return [*RECORDS, *build, last[rest]]
        return [*RECORDS, last[rest], *build]
    if name == "map":  # map:build, map:build:conflict, map:build:again, map:end
        if rest == "build:conflict":
            return [*RECORDS, {"op": "record", "index": 10, "scope": 3}, *build]
        return [*RECORDS, *build, *(build if rest == "build:again" else [])]
    if name == "lookup":
        return [*RECORDS, *build, {"op": "lookup", "index": LOOKUPS[rest]}]
    if name == "intervals":
        return [*RECORDS, *build, {"op": "intervals"}]
    return [*RECORDS, *build]


def programs(structure: Structure) -> list[tuple[str, Program]]:
    """A program for every form of ``structure``."""
    make = alist_program if structure == "alist" else intervals_program
    return [(form, Program(structure, make(form))) for form in forms(structure)]


class FormsEngine(Declared):
    """Every form's program, in order, for each structure: deterministic, whatever the budget."""

    name = "forms"
    schedule = Whole()

    def run(self, job: Job, impl: Implementation) -> list[Outcome]:
        outcomes = []
        for structure in job.structures:
            started, stats = time.monotonic(), Stats()
            made = programs(structure)
            outcome = Outcome("forms", structure, 0.0, stats)
            for number, (form, program) in enumerate(made, 1):
                verdict = run_program(program, impl, job.strict)
                stats.add(verdict.stats)
                job.progress(f"forms · {structure}", number, len(made), form)
                if verdict.violation is not None:
                    before = [p for _, p in made[: number - 1]]
                    outcome.failure = report(
                        program,
                        verdict.violation,
                        impl,
                        job.out,
                        job.spec,
                        job.strict,
                        job.shrink,
                        before,
                    )
                    break
            outcome.seconds = time.monotonic() - started
            outcome.summary = f"{stats.programs} programs, a form each, {stats.total_checks} checks"
            outcomes.append(outcome)
            if outcome.failed:
                break
        return outcomes


ENGINE = FormsEngine()
