"""The exhaust engine: every canonical program up to a number of operations, over a small domain,
checked by the runner — "nothing found up to this size", not "nothing found yet".

Random engines sample; this one enumerates (the small-scope hypothesis: most bugs show in small
instances). Every program of the *alphabet* — each operation of the vocabulary over a small
domain of keys, values, record indices and scopes, with every combine and callback form, each
raising position, bad handles and bad values — up to ``max_ops`` operations, depth first; a
program is applied operation by operation to one runner session, and a prefix is shared with its
extensions by a snapshot of the session (``copy.deepcopy``) where the implementation is in
process, and re-executed from the start where it is not (a process holds one builder at a time).
A prefix that breaks a law is not extended; the first violation bounds the search to shorter
programs, so the one reported is found at the smallest depth, then shrunk.

*Canonical*: two programs that differ only by an order-preserving relabelling of alist keys, or
by any relabelling of interval scopes, hold or break the same laws (the laws compare keys by order
and scopes by equality), so only one of each class is run: the one whose keys are the smallest of
the domain (its keys a prefix of the domain in order) and whose scopes appear in the order
0, 1, 2. An implementation that special-cases one key value could tell such programs apart; the
key domain therefore holds 0, a negative key and the top of the 64-bit range, and ``--keys``
widens it. Record indices are not relabelled: gaps between records matter (a lookup between).

*Long runs* are a domain of their own (``--long``): a run of 2,000 keys in either direction from
``EMPTY`` is one operation, every program starts with one or two, and the rest of the alphabet
works on the long lists, to a depth of 3 (``max_ops``): law 6 for every operation on long lists.

The result is a ``Certificate``: what was enumerated (bounds, domain), what ran (programs by
depth, operations, law checks by law), an order-independent digest of the programs, and the
implementation (a module's files hashed, or the command). Shards (``--shard I/N``) split the
programs by their first two operations, disjointly, and their certificates combine into the
whole's (``combine``).
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import arenacheck
from arenacheck.engines.base import Job, Outcome
from arenacheck.engines.load import ImplSpec
from arenacheck.errors import ConflictingRecord, Unsupported
from arenacheck.implementation import Implementation
from arenacheck.model.intervals import in_domain, scope_of
from arenacheck.program import Program
from arenacheck.report import write_failure
from arenacheck.runner import (
    AlistSession,
    IntervalSession,
    Session,
    Stats,
    ViolationFound,
)
from arenacheck.shrink import shrink
from arenacheck.strict import CONFLICT_CHOICE, Strictness
from arenacheck.vocabulary import (
    BAD_HANDLE_CALLS,
    COMBINES,
    FNS,
    Op,
    Structure,
    is_int,
)

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


# --- The alphabet --------------------------------------------------------------------------------


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
    live = [i for i, var in enumerate(session.vars) if var is not None]
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
        for call in BAD_HANDLE_CALLS:
            for handle in BAD_HANDLES:
                ops.append({"op": "bad_handle", "call": call, "handle": handle})
                if call in ("intersect", "union"):
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
    if session.model_map is not None:
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
    if session.model_map is None:
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


# --- Certificates --------------------------------------------------------------------------------


@dataclass
class Certificate:
    """What an exhaustive run established: every canonical program within the bounds (of one
    shard, or all), run, each keeping every law.

    ``operations`` counts the programs' operations as if each ran alone, ``executed`` those the
    run applied (a prefix once, where copies share it; again for each extension, where they
    cannot); ``checks`` are by law, ``ledger`` by ``LAW@FORM``, each check counted at the program
    it ends. The digest is the XOR of the programs' SHA-256: the same for any order and any
    sharding of the same set of programs."""

    version: str
    implementation: str
    bounds: dict[str, Any]
    domain: dict[str, Any]
    shard: str = "whole"
    programs: dict[int, int] = field(default_factory=dict)  # by depth
    operations: int = 0
    executed: int = 0
    checks: dict[str, int] = field(default_factory=dict)
    ledger: dict[str, int] = field(default_factory=dict)
    digest: str = "0" * 64
    seconds: float = 0.0
    shared_prefixes: bool = True
    complete: bool = True  # False: a checkpoint of a run still going (or interrupted)
    units: list[str] = field(default_factory=list)  # for --resume: the units done

    @property
    def total(self) -> int:
        return sum(self.programs.values())

    def same_run(self) -> dict[str, Any]:
        """What two certificates of one enumeration share."""
        return {k: getattr(self, k) for k in ("version", "implementation", "bounds", "domain")}

    def claim(self) -> dict[str, Any]:
        """What the certificate states, without how it was reached (shard, time, sharing): the
        same for a whole run and its shards combined."""
        keys = ("programs", "operations", "checks", "ledger", "digest")
        return {**self.same_run(), **{k: getattr(self, k) for k in keys}}

    def entries(self) -> Counter[tuple[str, str]]:
        """The ledger's entries, ``(law, form)``: checks."""
        counts: Counter[tuple[str, str]] = Counter()
        for entry, n in self.ledger.items():
            law, _, form = entry.partition("@")
            counts[(law, form)] += n
        return counts

    def add(self, other: Certificate) -> None:
        self.programs = dict(Counter(self.programs) + Counter(other.programs))
        self.checks = dict(Counter(self.checks) + Counter(other.checks))
        self.ledger = dict(Counter(self.ledger) + Counter(other.ledger))
        self.operations += other.operations
        self.executed += other.executed
        self.digest = f"{int(self.digest, 16) ^ int(other.digest, 16):064x}"
        self.seconds += other.seconds
        self.units += other.units

    def describe(self) -> str:
        depths = ", ".join(f"{n} of {d}" for d, n in sorted(self.programs.items()))
        bounds = ", ".join(f"{k} {v}" for k, v in self.bounds.items())
        return "\n".join(
            [
                f"certificate ({self.shard}): every canonical program within the bounds holds "
                "every law",
                f"  implementation {self.implementation}; arenacheck {self.version}",
                f"  bounds: {bounds}",
                f"  domain: {json.dumps(self.domain)}",
                f"  programs: {self.total} (by operations: {depths})",
                f"  operations: {self.operations} in the programs, {self.executed} executed "
                + ("(prefixes shared)" if self.shared_prefixes else "(prefixes re-run)"),
                f"  law checks: {sum(self.checks.values())} ("
                + ", ".join(f"{law} {n}" for law, n in sorted(self.checks.items()))
                + ")",
                f"  digest {self.digest}",
                f"  {self.seconds:.1f} s",
            ]
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["programs"] = {str(d): n for d, n in sorted(self.programs.items())}
        data["total"] = self.total
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Certificate:
        """The certificate ``to_json`` wrote; ``ValueError`` if it is not one."""
        try:
            fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
            fields["programs"] = {int(d): n for d, n in data["programs"].items()}
            return cls(**fields)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise ValueError(f"not an exhaust certificate ({err})") from None


def combine(certificates: Sequence[Certificate]) -> Certificate:
    """The certificate of the whole from its shards' (``I/N`` for every I, once each)."""
    if not certificates:
        raise ValueError("no certificates to combine")
    first = certificates[0]
    for other in certificates[1:]:
        if other.same_run() != first.same_run():
            raise ValueError("the certificates are of different runs (version, bounds or domain)")
    shards = sorted(c.shard for c in certificates)
    count = int(shards[0].split("/")[1]) if "/" in shards[0] else 0
    wanted = [f"{i}/{count}" for i in range(count)]
    if shards != wanted:
        raise ValueError(f"the shards must be {', '.join(wanted) or 'I/N'} once each, not {shards}")
    whole = Certificate(**{**first.same_run(), "shard": "whole"})
    whole.shared_prefixes = all(c.shared_prefixes for c in certificates)
    for certificate in certificates:
        whole.add(certificate)
    whole.units = []
    return whole


def implementation_of(spec: ImplSpec) -> str:
    """The implementation, named so it can be told apart later: a module and a hash of its
    files, or the command."""
    if spec.command is not None:
        return f"command {spec.command}"
    from arenacheck.implementation import import_module

    module = import_module(spec.module)
    where = Path(module.__file__ or "")
    files = sorted(where.parent.glob("*.py")) if where.name == "__init__.py" else [where]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"module {spec.module} (sha256 {digest.hexdigest()[:16]} of {len(files)} files)"


# --- The enumeration ---------------------------------------------------------------------------


def _text(ops: Sequence[Op]) -> str:
    return json.dumps(list(ops), sort_keys=True)


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16)


@dataclass
class Found:
    """The first violation, at the smallest depth the search reached one."""

    depth: int
    program: Program
    found: ViolationFound


class Enumeration:
    """One depth-first enumeration of the bounds' programs against one implementation.

    What a unit's programs counted is *pending* until the unit is done, then *committed*: a
    checkpoint (``on_unit``) holds only whole units, so a resumed run neither skips nor counts
    twice. A unit is a program of fewer than ``SPLIT`` operations alone, or a program of
    ``SPLIT`` operations with all its extensions."""

    def __init__(
        self,
        impl: Implementation,
        bounds: Bounds,
        strict: Strictness,
        shard: tuple[int, int] = (0, 1),
        done: set[str] | None = None,
        on_unit: Callable[[Enumeration], object] = lambda run: None,
    ) -> None:
        self.impl, self.bounds, self.strict = impl, bounds, strict
        self.shard, self.done = shard, done if done is not None else set()
        self.on_unit = on_unit
        self.stats = Stats()  # committed
        self.programs: Counter[int] = Counter()
        self.digest = 0
        self.units: list[str] = []
        self.executed = 0  # operations applied, prefixes re-run included
        self._pending = (Stats(), Counter[int](), [0])
        self.found: Found | None = None
        self.limit = bounds.max_ops  # lowered to the depth of a violation, to find shallower
        self.snapshots = True  # share prefixes by copies; off: re-run them
        self.progress = (0, 0)  # first operations done, of all
        self.head: Certificate | None = None  # what the run is of (``blank``)

    # Sessions: made fresh, copied from a prefix's, or the prefix re-run.

    def _session(self) -> Session:
        kind = AlistSession if self.bounds.structure == "alist" else IntervalSession
        return kind(self.impl, self.strict)

    def _copy(self, session: Session) -> Session:
        """A snapshot of ``session``: its own builders and bookkeeping, the implementation and
        a fresh count of checks shared."""
        memo: dict[int, Any] = {id(session.impl): session.impl, id(session.stats): Stats()}
        shared: list[Any] = [*session.ops, session._op]  # never changed once made
        if isinstance(session, AlistSession):
            shared += [var.items for var in session.vars if var is not None]  # the model's
        else:
            assert isinstance(session, IntervalSession)
            shared += session.records
        memo.update((id(value), value) for value in shared)
        copied = copy.deepcopy(session, memo)
        copied.stats.program = Program(copied.structure, copied.ops)
        return copied

    def _replay(self, ops: Sequence[Op]) -> Session:
        """A session with ``ops`` applied again from the start (nothing counted)."""
        session = self._session()
        for line, op in enumerate(ops, 2):
            session.apply(op, line)
        self.executed += len(ops)
        session.stats = Stats(program=Program(session.structure, session.ops))
        return session

    def alphabet(self, session: Session) -> list[Op]:
        if isinstance(session, AlistSession):
            return alist_alphabet(session, self.bounds)
        assert isinstance(session, IntervalSession)
        return intervals_alphabet(session, self.bounds)

    # The search.

    def run(self) -> None:
        session = self._session()
        first = long_runs() if self.bounds.long else self._choices(session, [])
        self.progress = (0, len(first))
        for done, op in enumerate(first, 1):
            self._visit(session, [], op, self.bounds.max_ops)
            self.progress = (done, len(first))

    def _explore(self, session: Session, path: list[Op], depth: int) -> None:
        for op in self._choices(session, path):
            if len(path) + 1 > self.limit:
                return
            self._visit(session, path, op, depth)

    def _choices(self, session: Session, path: list[Op]) -> list[Op]:
        ops = self.alphabet(session)
        if self.bounds.commute and isinstance(session, IntervalSession):
            ops = [op for op in ops if ordered(path, op, session, self.bounds)]
        if self.bounds.long and len(path) == 1 and path[0]["op"] == "extend":
            ops = [*long_runs(), *ops]  # a second long run, then the rest
        return ops

    def _unit(self, program: list[Op]) -> tuple[str, bool]:
        """The unit ``program`` belongs to (its first ``SPLIT`` operations) and whether this
        shard runs it and has not already (a resumed run)."""
        unit = hashlib.sha256(_text(program[:SPLIT]).encode()).hexdigest()[:16]
        index, count = self.shard
        return unit, int(unit, 16) % count == index and unit not in self.done

    def _visit(self, session: Session, path: list[Op], op: Op, depth: int) -> None:
        program = [*path, op]
        gap = canonical_keys(program, self.bounds)
        if gap > min(depth, self.limit) - len(program):
            return  # no extension within the bounds makes its keys canonical
        # A longer program's first SPLIT operations were this shard's unit, or it is not here.
        unit, mine = self._unit(program) if len(program) <= SPLIT else ("", True)
        if len(program) == SPLIT and not mine:
            return  # another shard's, or done before the run resumed
        try:
            if self.snapshots:
                child = self._copy(session)
            else:
                child = self._replay(path)
            child.apply(op, len(program) + 1)
            self.executed += 1
        except ViolationFound as found:
            self._violation(program, found)
            return
        except Unsupported:
            return  # an operation this implementation cannot run: nothing below it either
        counted = mine and gap == 0
        if self.snapshots:  # the extensions run on copies: the child ends after them, unchanged
            self._extend(child, program, depth)
            if counted:
                self._end(child, program)
        else:  # the extensions re-run the prefix: end the child while it is the builder
            if counted:
                self._end(child, program)
            self._extend(child, program, depth)
        if len(program) <= SPLIT and mine:
            self._commit(unit)

    def _extend(self, session: Session, program: list[Op], depth: int) -> None:
        if len(program) < min(depth, self.limit):
            self._explore(session, program, depth)

    def _end(self, session: Session, program: list[Op]) -> None:
        """Count the program: its last operation's checks and the end-of-program checks."""
        try:
            session.end(len(program) + 1)
        except ViolationFound as found:
            self._violation(program, found)
            return
        except Unsupported:
            return
        stats, programs, digest = self._pending
        counted = session.stats
        for entry in counted.entries.keys() - stats.entries.keys() - self.stats.entries.keys():
            stats.first[entry] = counted.first_program(entry)  # (rare: a program text is dear)
        stats.entries.update(counted.entries)
        stats.checks.update(counted.checks)
        stats.unnamed += counted.unnamed
        programs[len(program)] += 1
        digest[0] ^= _hash(_text(program))

    def _commit(self, unit: str) -> None:
        """A unit is done: what it counted joins the certificate, and a checkpoint may be
        written (nothing, once a violation is found: there is no certificate to resume)."""
        stats, programs, digest = self._pending
        self.stats.add(stats)
        self.programs.update(programs)
        self.digest ^= digest[0]
        self.units.append(unit)
        self._pending = (Stats(), Counter[int](), [0])
        if self.found is None:
            self.on_unit(self)

    def _violation(self, program: list[Op], found: ViolationFound) -> None:
        if self.found is None or len(program) < self.found.depth:
            found.program = Program(self.bounds.structure, list(program))
            self.found = Found(len(program), found.program, found)
            self.limit = len(program) - 1  # look only for shallower programs from here


def run(
    impl: Implementation,
    spec: ImplSpec,
    bounds: Bounds,
    strict: Strictness,
    shard: tuple[int, int] = (0, 1),
    resume: Certificate | None = None,
    on_unit: Callable[[Enumeration], object] = lambda run: None,
) -> tuple[Certificate, Found | None]:
    """Enumerate ``bounds`` against ``impl``: the certificate of what ran, and the first
    violation (at its smallest depth, shrunk), if any. ``resume`` is the checkpoint an
    interrupted run of the same enumeration left (``--resume``): its units are not run again;
    ``ValueError`` if it is of another run."""
    started = time.monotonic()
    head = blank(spec, bounds, shard)
    if resume is not None and (resume.same_run(), resume.shard) != (head.same_run(), head.shard):
        raise ValueError(
            "the checkpoint is of another run (version, implementation, bounds, domain or shard)"
        )
    done = set(resume.units) if resume is not None else set()
    enumeration = Enumeration(impl, bounds, strict, shard, done, on_unit)
    enumeration.head = head
    enumeration.snapshots = not spec.is_process  # a process holds one builder: re-run prefixes
    enumeration.run()
    certificate = certificate_of(enumeration, head)
    certificate.seconds = time.monotonic() - started
    if resume is not None:
        certificate.add(resume)
    found = enumeration.found
    if found is not None:
        program, verdict = shrink(found.program, impl, strict=strict)
        assert verdict.violation is not None
        found = Found(found.depth, program, ViolationFound(verdict.violation, program))
    return certificate, found


def blank(spec: ImplSpec, bounds: Bounds, shard: tuple[int, int] = (0, 1)) -> Certificate:
    """The certificate of a run before anything ran: what it is of."""
    return Certificate(
        version=arenacheck.__version__,
        implementation=implementation_of(spec),
        bounds=asdict(bounds),
        domain=bounds.domain(),
        shard="whole" if shard == (0, 1) else f"{shard[0]}/{shard[1]}",
    )


def certificate_of(enumeration: Enumeration, head: Certificate) -> Certificate:
    """What ``enumeration`` has committed so far, as a certificate of the run ``head`` names."""
    stats = enumeration.stats
    return dataclasses.replace(
        head,
        programs=dict(enumeration.programs),
        operations=sum(depth * n for depth, n in enumeration.programs.items()),
        executed=enumeration.executed,
        checks=dict(stats.checks),
        ledger={f"{law}@{form}": n for (law, form), n in stats.entries.items()},
        digest=f"{enumeration.digest:064x}",
        shared_prefixes=enumeration.snapshots,
        units=list(enumeration.units),
    )


def checkpoint(enumeration: Enumeration, resume: Certificate | None) -> Certificate:
    """What a run still going has committed (with what it resumed from): ``--resume``'s file."""
    assert enumeration.head is not None
    partial = certificate_of(enumeration, enumeration.head)
    partial.complete = False
    if resume is not None:
        partial.add(resume)
    return partial


def combine_reports(certificates: Sequence[Certificate]) -> list[Certificate]:
    """The wholes of the shards in ``certificates`` (of one run or several: grouped by bounds);
    ``ValueError`` for a checkpoint, a shard missing or given twice, or mixed runs."""
    runs: dict[str, list[Certificate]] = {}
    for certificate in certificates:
        if not certificate.complete:
            raise ValueError(f"shard {certificate.shard} is a checkpoint of a run not finished")
        runs.setdefault(json.dumps(certificate.bounds, sort_keys=True), []).append(certificate)
    return [combine(parts) for parts in runs.values()]


# --- As an engine of check and selftest -------------------------------------------------------

#: The bounds ``check`` runs first, by structure: seconds on any machine.
CHECK_BOUNDS: dict[Structure, Bounds] = {
    "alist": Bounds("alist", 3, keys=2, alphabet="set"),
    "intervals": Bounds("intervals", 3, keys=3, scopes=2),
}


class ExhaustEngine:
    """Every canonical program within small bounds (``CHECK_BOUNDS``, or the job's), for each
    structure: deterministic, whatever the budget."""

    name = "exhaust"

    def unavailable(self, spec: ImplSpec) -> str | None:
        return None

    def run(self, job: Job, impl: Implementation) -> list[Outcome]:
        outcomes = []
        for structure in job.structures:
            bounds = job.bounds.get(structure) or CHECK_BOUNDS[structure]
            task = f"exhaust · {structure}"

            def shown(run: Enumeration, task: str = task) -> None:
                done, total = run.progress
                job.progress(task, done, total, f"{sum(run.programs.values())} programs")

            certificate, found = run(impl, job.spec, bounds, job.strict, on_unit=shown)
            outcomes.append(outcome_of(certificate, found, job.out))
            if outcomes[-1].failed:
                break
        return outcomes


def outcome_of(certificate: Certificate, found: Found | None, out: Path) -> Outcome:
    """A run's certificate, or its violation (the program written to ``out``), as an outcome."""
    stats = Stats(
        programs=certificate.total,
        operations=certificate.operations,
        checks=Counter(certificate.checks),
        entries=certificate.entries(),
    )
    bounds = certificate.bounds
    outcome = Outcome("exhaust", bounds["structure"], certificate.seconds, stats)
    outcome.summary = (
        f"{certificate.total} programs of up to {bounds['max_ops']} operations, "
        f"{sum(certificate.checks.values())} law checks"
    )
    if found is not None:
        outcome.found = found.found
        outcome.written.append(write_failure(found.program, found.found.violation.law, out))
        outcome.reproduced = True  # the runner found it on the program it was shrunk to
        outcome.summary = f"a violation at {found.depth} operations (the fewest), shrunk"
    return outcome


ENGINE = ExhaustEngine()
