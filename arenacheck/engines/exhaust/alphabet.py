"""The exhaust engine's alphabet: what is enumerated — the bounds, the small domains, every
operation each state allows — and the symmetries that keep one program of each class
(``canonical_keys``, ``ordered``): docs/exhaustive.md says what could fool each."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from arenacheck.ops import operations
from arenacheck.ops.alist.merge import AFTERS
from arenacheck.ops.base import Small
from arenacheck.strict import CONFLICT_CHOICE
from arenacheck.structures import Op, Structure
from arenacheck.values import encode, encode_line

#: The keys every alist domain holds and no relabelling moves: both edges of the 64-bit range
#: (an implementation that special-cases an edge is caught there, not relabelled away).
EDGE_KEYS = (-(2**63), 2**63 - 1)
#: The interior keys, in the order the domain takes them: ``--keys K`` is the first K, sorted.
KEY_POOL = (0, -1, 1, 2, 3, 4, 5, 6)
#: The scopes every interval domain holds beside the relabelled ones: the top of the 32-bit
#: domain (SPEC §3.2).
EDGE_SCOPES = (2**32 - 1,)
#: The relabelled scopes, in the order a program takes them (``--scopes S``: the first S): the
#: laws compare scopes by equality alone, so any S distinct scopes stand for every S; these are
#: 0 and then the 32-bit magnitudes a compact representation truncates (2**31 is 0 in 8, 16 and
#: 31 bits, and negative in signed 32), then small ones.
SCOPE_POOL = (0, 2**31, 2**16, 2**8, 1, 2, 3)
VALUES = (1, 300)  # 300: above CPython's small ints, so ``is`` cannot pass for ``==``
#: The typed value domain (``--values typed``): beside the ints, values equal to ``1`` of other
#: types (a bool, a float), a NaN, a tuple and a list (SPEC §2: read back by type and ``==``).
TYPED_VALUES: tuple[Any, ...] = (1, 300, True, 1.0, math.nan, (1,), [1])
#: The value domains by name.
VALUE_DOMAINS: dict[str, tuple[Any, ...]] = {"int": VALUES, "typed": TYPED_VALUES}
#: Record indices, in the order the domain takes them (adjacent and gapped, and the top edge).
INDEX_POOL = (0, 1, 2**32 - 1, 3, 2, 5, 4, 7)
BAD_HANDLES = (-1, True)
#: A key of a foreign type: a string, in lists of ints.
FOREIGN_KEY = "k"
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
    domain runs; ``values``: the alist value domain (``VALUE_DOMAINS``: ``int``, or ``typed``)."""

    structure: Structure
    max_ops: int
    keys: int = 3
    scopes: int = 3
    alphabet: str = "full"
    long: bool = False
    commute: bool = True
    relabel: bool = True
    values: str = "int"

    def domain(self) -> dict[str, Any]:
        """What the programs range over, as the certificate states it (one builder each: no
        alphabet opens another)."""
        if self.structure == "intervals":
            return {
                "builders": 1,
                "indices": indices(self.keys),
                "scopes": scope_pool(self.scopes),
                "edge scopes": list(EDGE_SCOPES),
                "bad records": [list(r) for r in BAD_RECORDS],
            }
        return {
            "builders": 1,
            "keys": list(LONG_KEYS) if self.long else keys(self.keys),
            "foreign key": FOREIGN_KEY,
            "values": [encode(v) for v in VALUE_DOMAINS[self.values]],
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


def scope_pool(count: int) -> list[int]:
    """The first ``count`` relabelled scopes, in the order a program takes them (past the pool,
    the next small ones)."""
    return [*SCOPE_POOL[:count], *range(4, 4 + count - len(SCOPE_POOL))]


def small(session: Any, bounds: Bounds) -> Small:
    """The domain of ``bounds`` in ``session``'s state, as every operation's ``alphabet`` reads
    it."""
    in_reach: list[int] = []
    if bounds.structure == "intervals":
        used = {s for _, s in session.records if s not in EDGE_SCOPES}
        pool = scope_pool(bounds.scopes)
        relabelled = pool[: len(used) + 1]
        if CONFLICT_CHOICE in session.strict or not bounds.relabel:
            relabelled = pool  # which scopes a conflict names depends on them
        in_reach = [*relabelled, *EDGE_SCOPES]
    runs: list[tuple[int, int]] = []
    if bounds.keys >= 2:  # a short run over the two smallest interior keys, up and down
        low, high = interior(bounds.keys)[:2]
        runs = [(low, high - low), (high, low - high)]
    return Small(
        session=session,
        keys=list(LONG_KEYS) if bounds.long else keys(bounds.keys),
        values=VALUE_DOMAINS[bounds.values],
        full=bounds.alphabet == "full",
        foreign=FOREIGN_KEY,
        bad_handles=BAD_HANDLES,
        runs=runs,
        afters=AFTERS,
        indices=indices(bounds.keys),
        scopes=in_reach,
        bad_records=BAD_RECORDS,
        long=bounds.long,
        long_run=LONG_RUN,
    )


def alphabet(session: Any, bounds: Bounds) -> list[Op]:
    """Every operation the alphabet has in this state, each operation's lines in the
    registry's order (``Operation.alphabet``); none that opens a builder (the domain's
    ``builders: 1``)."""
    domain = small(session, bounds)
    found = operations(bounds.structure).values()
    return [line for op in found if not op.opens for line in op.alphabet(domain)]


def long_runs(session: Any, bounds: Bounds) -> list[Op]:
    """The lines a long-run program starts with (``Operation.starts``)."""
    domain = small(session, bounds)
    return [line for op in operations(bounds.structure).values() for line in op.starts(domain)]


def ordered(path: Sequence[Op], op: Op, session: Any, bounds: Bounds) -> bool:
    """Whether ``op`` may follow ``path``: two operations in a row that the model cannot tell
    apart in either order (``Operation.commutes``: accepted records, reads of a built map) run
    in the order of their keys alone. Nothing else is reordered — a refused record, a refused
    build (before the map or after it) and whatever follows one run in every order: what a
    refusal must leave unchanged depends on where it comes."""
    if not path:
        return True
    table = operations(bounds.structure)
    last = path[-1]
    mine = table[op["op"]].commutes(op, session)
    theirs = table[last["op"]].commutes(last, session)
    if mine is None or theirs is None or mine[0] != theirs[0]:
        return True
    return bool(theirs[1] <= mine[1])


def canonical_keys(ops: Sequence[Op], bounds: Bounds) -> int:
    """How many interior keys a program still has to use before the interior keys it uses are a
    prefix of the domain's (0: canonical; the edges are never relabelled). A program whose gap
    exceeds the operations left is not extended."""
    if bounds.structure != "alist" or bounds.long or not bounds.relabel:
        return 0
    domain, table = interior(bounds.keys), operations(bounds.structure)
    used = {k for op in ops for k in table[op["op"]].keys(op) if k in domain}
    if not used:
        return 0
    top = max(domain.index(k) for k in used)
    return top + 1 - len(used)


def _text(ops: Sequence[Op]) -> str:
    return json.dumps([encode_line(op) for op in ops], sort_keys=True)
