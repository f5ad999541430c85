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
from arenacheck.model.intervals import in_domain
from arenacheck.ops.alist.bad_handle import CALLS, TWO_HANDLES
from arenacheck.ops.alist.merge import AFTERS
from arenacheck.sessions.alist import AlistSession
from arenacheck.sessions.intervals import IntervalSession
from arenacheck.strict import CONFLICT_CHOICE
from arenacheck.structures import Op, Structure

#: The keys every alist domain holds and no relabelling moves: both edges of the 64-bit range
#: (an implementation that special-cases an edge is caught there, not relabelled away).
EDGE_KEYS = (-(2**63), 2**63 - 1)
#: The interior keys, in the order the domain takes them: ``--keys K`` is the first K, sorted.
KEY_POOL = (0, -1, 1, 2, 3, 4, 5, 6)
#: The scopes every interval domain holds beside the relabelled small ones: the top of the
#: 32-bit domain (SPEC §3.2).
EDGE_SCOPES = (2**32 - 1,)
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
    run in one order only (``ordered``); ``relabel``: one program of each class of interior keys
    (or small scopes) relabelled in order (``canonical_keys``) — off, every program over the
    domain runs."""

    structure: Structure
    max_ops: int
    keys: int = 3
    scopes: int = 3
    alphabet: str = "full"
    long: bool = False
    commute: bool = True
    relabel: bool = True

    def domain(self) -> dict[str, Any]:
        if self.structure == "intervals":
            return {
                "indices": indices(self.keys),
                "scopes": list(range(self.scopes)),
                "edge scopes": list(EDGE_SCOPES),
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
    """The alist key domain: ``count`` interior keys and both 64-bit edges, sorted."""
    return sorted({*KEY_POOL[:count], *EDGE_KEYS})


def interior(count: int) -> list[int]:
    """The keys relabelling moves: the domain's interior keys, sorted."""
    return sorted(KEY_POOL[:count])


def indices(count: int) -> list[int]:
    return sorted(INDEX_POOL[:count])


def _merges(structure_vars: list[int], bounds: Bounds) -> Iterator[Op]:
    forms: list[dict[str, Any]] = [{}]
    if bounds.alphabet == "full":
        forms += [{"combine": c} for c in COMBINES]
        forms += [{"combine": "reenter"}]
        forms += [{"combine": "raise", "after": n} for n in AFTERS]
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
            ops.append({"op": "replace", "src": src, "key": "k", "value": 1})
            ops.append({"op": "insert_with", "src": src, "key": "k", "value": 1, "fn": "value"})
            ops += _runs(src, bounds)
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


def _runs(src: int, bounds: Bounds) -> list[Op]:
    """Short runs (``extend``) over the two smallest interior keys, up and down (in the long
    domain, ``long_runs``)."""
    if bounds.long or bounds.keys < 2:
        return []
    low, high = interior(bounds.keys)[:2]
    up = {"op": "extend", "src": src, "start": low, "step": high - low, "count": 2, "value": 1}
    return [up, {**up, "start": high, "step": low - high}]


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
    used = {s for _, s in session.records if s not in EDGE_SCOPES}
    scopes = [s for s in range(bounds.scopes) if s <= len(used)]
    if CONFLICT_CHOICE in session.strict or not bounds.relabel:
        scopes = list(range(bounds.scopes))  # which scopes a conflict names depends on them
    scopes += EDGE_SCOPES
    ops: list[Op] = [{"op": "record", "index": i, "scope": s} for i in domain for s in scopes]
    ops += [{"op": "record", "index": i, "scope": s} for i, s in BAD_RECORDS]
    ops.append({"op": "build"})
    return ops


def ordered(path: Sequence[Op], op: Op, session: IntervalSession, bounds: Bounds) -> bool:
    """Whether ``op`` may follow ``path``, where two interval operations the model cannot tell
    apart in either order run in one: two records it accepts in a row (it keeps a set; SPEC: the
    map is the same for any order, and the end of every program rebuilds the records reversed),
    by (index, scope); and two reads of a built map in a row (it never changes), in the
    alphabet's order. Nothing else is reordered — a refused record, a refused build (before the
    map or after it) and whatever follows one run in every order: what a refusal must leave
    unchanged depends on where it comes."""
    if not path:
        return True
    last = path[-1]
    if last["op"] == op["op"] == "record":
        accepted = _accepted(last) and _accepted(op) and not session.built
        return not accepted or (last["index"], last["scope"]) <= (op["index"], op["scope"])
    if last["op"] in READS and op["op"] in READS:
        rank = {_text([o]): n for n, o in enumerate(intervals_alphabet(session, bounds))}
        return rank[_text([last])] <= rank[_text([op])]
    return True


#: The operations that read a built map and change nothing.
READS = ("lookup", "intervals")


def _accepted(op: Op) -> bool:
    return in_domain(op["index"]) and in_domain(op["scope"])  # (``True == 1``: not a lookup)


def canonical_keys(ops: Sequence[Op], bounds: Bounds) -> int:
    """How many interior keys a program still has to use before the interior keys it uses are a
    prefix of the domain's (0: canonical; the edges are never relabelled). A program whose gap
    exceeds the operations left is not extended."""
    if bounds.structure != "alist" or bounds.long or not bounds.relabel:
        return 0
    domain = interior(bounds.keys)
    used = {k for op in ops for k in _keys(op) if k in domain}
    if not used:
        return 0
    top = max(domain.index(k) for k in used)
    return top + 1 - len(used)


def _keys(op: Op) -> list[Any]:
    """The int keys an operation names (an ``extend``: its run's)."""
    if op["op"] == "extend":
        return list(range(op["start"], op["start"] + op["count"] * op["step"], op["step"]))
    key = op.get("key")
    return [key] if is_int(key) else []


def _text(ops: Sequence[Op]) -> str:
    return json.dumps(list(ops), sort_keys=True)
