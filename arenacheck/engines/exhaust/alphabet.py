"""The exhaust engine's alphabet: what is enumerated — the bounds, the small domains, every
operation each state allows — and the symmetries that keep one program of each class
(``canonical_keys``, ``ordered``): docs/exhaustive.md says what could fool each."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from arenacheck.callbacks import COMBINES, FNS
from arenacheck.domains import is_int
from arenacheck.errors import ConflictingRecord
from arenacheck.model.intervals import in_domain, scope_of
from arenacheck.ops.alist.bad_handle import CALLS, TWO_HANDLES
from arenacheck.sessions.alist import AlistSession
from arenacheck.sessions.intervals import IntervalSession
from arenacheck.strict import CONFLICT_CHOICE
from arenacheck.structures import Op, Structure

#: Keys, in the order the domain takes them: ``--keys K`` is the first K, sorted.
KEY_POOL = (0, -1, 2**63 - 1, 1, -(2**63), 2, 3, 4)
VALUES = (1, 300)  # 300: above CPython's small ints, so ``is`` cannot pass for ``==``
#: Record indices, in the order the domain takes them (adjacent and gapped, and the top edge).
INDEX_POOL = (0, 1, 2**32 - 1, 3, 2, 5, 4, 7)
BAD_HANDLES = (-1, True)
#: Records SPEC refuses: a bool (an int to Python), the first index past the domain, a negative
#: scope.
BAD_RECORDS: tuple[tuple[Any, Any], ...] = ((True, 0), (2**32, 0), (0, -1))
LONG_RUN = 2000
#: Keys the operations after a long run use: below, inside and above either run (0 .. 1999 up,
#: 0 .. -1999 down).
LONG_KEYS = (-3000, -1000, 1000, 3000)
#: The shard of a program is the shard of its first ``SPLIT`` operations.
SPLIT = 2


@dataclass(frozen=True)
class Bounds:
    """What to enumerate: programs of ``structure`` up to ``max_ops`` operations over ``keys``
    alist keys (record indices for the interval map) and ``scopes`` scopes; ``alphabet`` ``full``
    (every form) or ``set`` (set forms: no values, callbacks or raises); ``long``: the long-run
    domain instead; ``commute``: interval operations the model cannot tell apart in either order
    run in one order only (``ordered``)."""

    structure: Structure
    max_ops: int
    keys: int = 3
    scopes: int = 3
    alphabet: str = "full"
    long: bool = False
    commute: bool = True

    def domain(self) -> dict[str, Any]:
        if self.structure == "intervals":
            return {
                "indices": indices(self.keys),
                "scopes": list(range(self.scopes)),
                "bad records": [list(r) for r in BAD_RECORDS],
            }
        return {
            "keys": list(LONG_KEYS) if self.long else keys(self.keys),
            "foreign key": "k",
            "values": list(VALUES),
            "bad handles": list(BAD_HANDLES),
            "long runs": [LONG_RUN, -LONG_RUN] if self.long else [],
        }


def keys(count: int) -> list[int]:
    return sorted(KEY_POOL[:count])


def indices(count: int) -> list[int]:
    return sorted(INDEX_POOL[:count])


def _merges(structure_vars: list[int], bounds: Bounds) -> Iterator[Op]:
    forms: list[dict[str, Any]] = [{}]
    if bounds.alphabet == "full":
        forms += [{"combine": c} for c in COMBINES]
        forms += [{"combine": "reenter"}]
        forms += [{"combine": "raise", "after": n} for n in range(max(1, bounds.keys))]
    for a in structure_vars:
        for b in structure_vars:
            for name in ("intersect", "union"):
                for form in forms:
                    yield {"op": name, "a": a, "b": b, **form}


def alist_alphabet(session: AlistSession, bounds: Bounds) -> list[Op]:
    """Every operation the alphabet has in this state (the variables that exist and did not
    fail, the builder finished or not)."""
    live = session.live()
    domain = list(LONG_KEYS) if bounds.long else keys(bounds.keys)
    full = bounds.alphabet == "full"
    ops: list[Op] = []
    for src in live:
        for key in domain:
            ops.append({"op": "insert", "src": src, "key": key})
            if full:
                ops += [{"op": "insert", "src": src, "key": key, "value": v} for v in VALUES]
                ops += [{"op": "replace", "src": src, "key": key, "value": v} for v in VALUES]
                ops += [
                    {"op": "insert_with", "src": src, "key": key, "value": 1, "fn": fn}
                    for fn in FNS
                ]
        if full:
            ops.append({"op": "insert", "src": src, "key": "k", "value": 1})
    ops += _merges(live, bounds)
    for var in live:
        ops += [{"op": "get", "var": var, "key": key} for key in [*domain, "k"]]
        ops.append({"op": "items", "var": var})
    if full:
        for call in CALLS:
            for handle in BAD_HANDLES:
                ops.append({"op": "bad_handle", "call": call, "handle": handle})
                if call in TWO_HANDLES:
                    ops.append({"op": "bad_handle", "call": call, "handle": handle, "position": 2})
    ops.append({"op": "build"})
    return ops


def long_runs() -> list[Op]:
    return [
        {"op": "extend", "src": 0, "start": 0, "step": 1, "count": LONG_RUN, "value": 1},
        {"op": "extend", "src": 0, "start": 0, "step": -1, "count": LONG_RUN, "value": 1},
    ]


def intervals_alphabet(session: IntervalSession, bounds: Bounds) -> list[Op]:
    """Records over the index domain, each scope used so far or the next one (scopes are
    relabelled canonically), bad records and ``build``; after a successful build, a record and a
    build (both refused), lookups at each index and ``intervals``, in that order (``ordered``)."""
    domain = indices(bounds.keys)
    if session.built:
        return [
            {"op": "record", "index": domain[0], "scope": 0},
            {"op": "build"},
            *({"op": "lookup", "index": i} for i in domain),
            {"op": "intervals"},
        ]
    used = {s for _, s in session.records}
    scopes = [s for s in range(bounds.scopes) if s <= len(used)]
    if CONFLICT_CHOICE in session.strict:
        scopes = list(range(bounds.scopes))  # which scopes a conflict names depends on them
    ops: list[Op] = [{"op": "record", "index": i, "scope": s} for i in domain for s in scopes]
    ops += [{"op": "record", "index": i, "scope": s} for i, s in BAD_RECORDS]
    ops.append({"op": "build"})
    return ops


def ordered(path: Sequence[Op], op: Op, session: IntervalSession, bounds: Bounds) -> bool:
    """Whether ``op`` may follow ``path``, where two interval operations the model cannot tell
    apart in either order run in one: two records it accepts (it keeps a set; SPEC: the map is
    the same for any order, and the end of every program rebuilds the records reversed), by
    (index, scope); and two operations on a built map (it never changes), in the alphabet's
    order. A refused record or build is not reordered: what it must leave unchanged depends on
    where it comes."""
    if not path:
        return True
    last = path[-1]
    if not session.built:
        accepted = last["op"] == op["op"] == "record" and _accepted(last) and _accepted(op)
        return not accepted or (last["index"], last["scope"]) <= (op["index"], op["scope"])
    if _built_at(path) == len(path) - 1:
        return True  # the first operation on the map
    rank = {_text([o]): n for n, o in enumerate(intervals_alphabet(session, bounds))}
    return rank[_text([last])] <= rank[_text([op])]


def _accepted(op: Op) -> bool:
    return in_domain(op["index"]) and in_domain(op["scope"])  # (``True == 1``: not a lookup)


def _built_at(path: Sequence[Op]) -> int | None:
    """The position of the build that succeeded (the model's: no conflict among the records)."""
    records: list[tuple[int, int]] = []
    for position, op in enumerate(path):
        if op["op"] == "record" and _accepted(op):
            records.append((op["index"], op["scope"]))
        elif op["op"] == "build":
            try:
                scope_of(records)
            except ConflictingRecord:
                continue
            return position
    return None


def canonical_keys(ops: Sequence[Op], bounds: Bounds) -> int:
    """How many keys of the domain a program still has to use before its keys are a prefix of
    the domain (0: canonical). A program whose gap exceeds the operations left is not
    extended."""
    if bounds.structure != "alist" or bounds.long:
        return 0
    domain = keys(bounds.keys)
    used = {op["key"] for op in ops if "key" in op and is_int(op["key"])}
    if not used:
        return 0
    top = max(domain.index(k) for k in used)
    return top + 1 - len(used)


def _text(ops: Sequence[Op]) -> str:
    return json.dumps(list(ops), sort_keys=True)
