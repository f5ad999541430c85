"""The exhaust engine's search: every canonical program within the bounds, depth first, each
applied by the drive loop, a prefix shared with its extensions by a fork of its drive (or re-run,
where the implementation is a process); units of work for shards and checkpoints."""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

import arenacheck
from arenacheck.drive import Drive, run_program
from arenacheck.engines.exhaust.alphabet import (
    SPLIT,
    Bounds,
    _text,
    alphabet,
    canonical_keys,
    long_runs,
    ordered,
)
from arenacheck.engines.exhaust.certificate import (
    Certificate,
    combine,
    differences,
    implementation_of,
)
from arenacheck.implementation import Implementation
from arenacheck.program import Program
from arenacheck.strict import Strictness
from arenacheck.structures import Op
from arenacheck.targets import ImplSpec
from arenacheck.verdicts import Stats, Violation, ViolationFound

#: How many of the programs counted last a failure that does not reproduce alone is reported with.
RECENT = 200


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16)


@dataclass
class Pending:
    """What a unit's programs counted, until the unit is done: the stats of the programs that
    ran, how many of each depth, their digest; the programs cut short, by form, and theirs."""

    stats: Stats = field(default_factory=Stats)
    programs: Counter[int] = field(default_factory=Counter)
    digest: int = 0
    cut: Counter[str] = field(default_factory=Counter)
    cut_digest: int = 0


@dataclass
class Found:
    """The first violation, at the smallest depth the search reached one, and the programs the
    search counted just before it (in this process)."""

    depth: int
    program: Program
    violation: Violation
    before: list[Program]


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
        self.committed = Pending()
        self.units: list[str] = []
        self.executed = 0  # operations applied, prefixes re-run included
        self._pending = Pending()
        self.recent: deque[Program] = deque(maxlen=RECENT)
        self.found: Found | None = None
        self.limit = bounds.max_ops  # lowered to the depth of a violation, to find shallower
        self.snapshots = True  # share prefixes by forks; off: re-run them
        self.refreshed = 0  # programs whose snapshot failed and whose fresh run did not
        self.progress = (0, 0)  # first operations done, of all
        self.head: Certificate | None = None  # what the run is of (``blank``)
        self.starts: list[Op] = []  # the long domain's first lines

    # Drives: made fresh, forked from a prefix's, or the prefix re-run.

    def _drive(self) -> Drive:
        return Drive(self.bounds.structure, self.impl, self.strict)

    def _replay(self, ops: Sequence[Op]) -> Drive:
        """A drive with ``ops`` applied again from the start (nothing counted)."""
        drive = self._drive()
        for op in ops:
            drive.step(op)
        self.executed += len(ops)
        drive.recount()
        return drive

    # The search.

    def run(self) -> None:
        drive = self._drive()
        self.starts = long_runs(drive.session, self.bounds) if self.bounds.long else []
        first = self.starts or self._choices(drive, [])
        self.progress = (0, len(first))
        for done, op in enumerate(first, 1):
            self._visit(drive, [], op, self.bounds.max_ops)
            self.progress = (done, len(first))

    def _explore(self, drive: Drive, path: list[Op], depth: int) -> None:
        for op in self._choices(drive, path):
            if len(path) + 1 > self.limit:
                return
            self._visit(drive, path, op, depth)

    def _choices(self, drive: Drive, path: list[Op]) -> list[Op]:
        ops = alphabet(drive.session, self.bounds)
        if self.bounds.commute:
            ops = [op for op in ops if ordered(path, op, drive.session, self.bounds)]
        if self.bounds.long and len(path) == 1 and path[0] in self.starts:
            ops = [*self.starts, *ops]  # a second long run, then the rest
        return ops

    def _unit(self, program: list[Op]) -> tuple[str, bool]:
        """The unit ``program`` belongs to (its first ``SPLIT`` operations) and whether this
        shard runs it and has not already (a resumed run)."""
        unit = hashlib.sha256(_text(program[:SPLIT]).encode()).hexdigest()[:16]
        index, count = self.shard
        return unit, int(unit, 16) % count == index and unit not in self.done

    def _visit(self, drive: Drive, path: list[Op], op: Op, depth: int) -> None:
        program = [*path, op]
        gap = canonical_keys(program, self.bounds)
        if gap > min(depth, self.limit) - len(program):
            return  # no extension within the bounds makes its keys canonical
        # A longer program's first SPLIT operations were this shard's unit, or it is not here.
        unit, mine = self._unit(program) if len(program) <= SPLIT else ("", True)
        if len(program) == SPLIT and not mine:
            return  # another shard's, or done before the run resumed
        try:
            child = drive.fork() if self.snapshots else self._replay(path)
            applied = child.step(op)
            self.executed += 1
        except ViolationFound as found:
            if not self._confirmed(program):
                with self._fresh():
                    self._visit(drive, path, op, depth)
                return
            self._violation(program, found)
            return
        if not applied:
            self._cut(child, program, mine)  # and nothing below it can run either
            if len(program) <= SPLIT and mine:
                self._commit(unit)
            return
        counted = mine and gap == 0
        if self.snapshots:  # the extensions run on forks: the child ends after them, unchanged
            self._extend(child, program, depth)
            if counted:
                self._end(child, program)
        else:  # the extensions re-run the prefix: end the child while it is the builder
            if counted:
                self._end(child, program)
            self._extend(child, program, depth)
        if len(program) <= SPLIT and mine:
            self._commit(unit)

    def _extend(self, drive: Drive, program: list[Op], depth: int) -> None:
        if len(program) < min(depth, self.limit):
            self._explore(drive, program, depth)

    def _end(self, drive: Drive, program: list[Op]) -> None:
        """Count the program: its last operation's checks and the end-of-program checks."""
        try:
            drive.end()
        except ViolationFound as found:
            if not self._confirmed(program):
                with self._fresh():
                    self._end(self._replay(program), program)
                return
            self._violation(program, found)
            return
        if drive.stopped:  # the end checks were answered unsupported
            self._cut(drive, program, True)
            return
        pending = self._pending
        pending.stats.add(drive.stats, seen=self.committed.stats.entries)
        pending.programs[len(program)] += 1
        pending.digest ^= _hash(_text(program))
        self.recent.append(Program(self.bounds.structure, list(program)))

    def _cut(self, drive: Drive, program: list[Op], mine: bool) -> None:
        """A program the implementation answered unsupported: counted, by the form, apart from
        the programs that ran (its extensions are not enumerated: none can run)."""
        if not mine:
            return
        pending = self._pending
        pending.cut.update(drive.stats.cut)
        pending.cut_digest ^= _hash(_text(program))

    def _commit(self, unit: str) -> None:
        """A unit is done: what it counted joins the certificate, and a checkpoint may be
        written (nothing, once a violation is found: there is no certificate to resume)."""
        done, pending = self.committed, self._pending
        done.stats.add(pending.stats)
        done.programs.update(pending.programs)
        done.digest ^= pending.digest
        done.cut.update(pending.cut)
        done.cut_digest ^= pending.cut_digest
        self.units.append(unit)
        self._pending = Pending()
        if self.found is None:
            self.on_unit(self)

    @property
    def programs(self) -> Counter[int]:
        """The programs run so far (committed), by depth."""
        return self.committed.programs

    def _confirmed(self, program: list[Op]) -> bool:
        """Whether ``program`` fails run afresh, in this process, as it failed from a snapshot.
        A snapshot keeps its builder alive while others run (its prefix's siblings, the
        order-independence check's): an implementation whose builders share state (SPEC
        §2.2 forbids it, and several-builder programs are the stateful engine's to show) can
        fail there and not in the program itself, whose verdict is then the fresh run's. Such
        programs are counted (``refreshed``) and their subtree run from fresh drives."""
        if not self.snapshots:
            return True
        if run_program(Program(self.bounds.structure, list(program)), self.impl, self.strict).ok:
            self.refreshed += 1
            return False
        return True

    @contextmanager
    def _fresh(self) -> Iterator[None]:
        """Every program from a drive of its own, its prefix re-run, for a while."""
        self.snapshots = False
        try:
            yield
        finally:
            self.snapshots = True

    def _violation(self, program: list[Op], found: ViolationFound) -> None:
        if self.found is None or len(program) < self.found.depth:
            failing = Program(self.bounds.structure, list(program))
            self.found = Found(len(program), failing, found.violation, list(self.recent))
            self.limit = len(program) - 1  # look only for shallower programs from here


def run(
    impl: Implementation,
    spec: ImplSpec,
    bounds: Bounds,
    strict: Strictness,
    shard: tuple[int, int] = (0, 1),
    resume: Certificate | None = None,
    on_unit: Callable[[Enumeration], object] = lambda run: None,
    accepted: Sequence[str] = (),
) -> tuple[Certificate, Found | None]:
    """Enumerate ``bounds`` against ``impl``: the certificate of what ran, and the first
    violation (at its smallest depth), if any. ``resume`` is the checkpoint an interrupted run
    of the same enumeration left (``--resume``): its units are not run again; ``ValueError`` if
    it is of another run. ``accepted``: the forms accepted as unsupported (the certificate
    records them)."""
    started = time.monotonic()
    head = blank(spec, bounds, shard, strict, accepted)
    if resume is not None:
        differ = differences(resume, head) + (["shard"] if resume.shard != head.shard else [])
        if differ:
            raise ValueError(f"the checkpoint is of another run: {', '.join(differ)} differ")
    done = set(resume.units) if resume is not None else set()
    enumeration = Enumeration(impl, bounds, strict, shard, done, on_unit)
    enumeration.head = head
    enumeration.snapshots = not spec.is_process  # a process holds one builder: re-run prefixes
    enumeration.run()
    certificate = certificate_of(enumeration, head)
    certificate.seconds = time.monotonic() - started
    if resume is not None:
        certificate.add(resume)
    return certificate, enumeration.found


def blank(
    spec: ImplSpec,
    bounds: Bounds,
    shard: tuple[int, int] = (0, 1),
    strict: Strictness = frozenset(),
    accepted: Sequence[str] = (),
) -> Certificate:
    """The certificate of a run before anything ran: what it is of."""
    return Certificate(
        version=arenacheck.__version__,
        implementation=implementation_of(spec),
        bounds=asdict(bounds),
        domain=bounds.domain(),
        strict=sorted(strict),
        allow_unsupported=sorted(accepted),
        shard="whole" if shard == (0, 1) else f"{shard[0]}/{shard[1]}",
    )


def certificate_of(enumeration: Enumeration, head: Certificate) -> Certificate:
    """What ``enumeration`` has committed so far, as a certificate of the run ``head`` names."""
    done = enumeration.committed
    return dataclasses.replace(
        head,
        programs=dict(done.programs),
        operations=sum(depth * n for depth, n in done.programs.items()),
        executed=enumeration.executed,
        checks=dict(done.stats.checks),
        ledger={f"{law}@{form}": n for (law, form), n in done.stats.entries.items()},
        reached=dict(sorted(done.stats.reached.items())),
        digest=f"{done.digest:064x}",
        unsupported=dict(sorted(done.cut.items())),
        cut_digest=f"{done.cut_digest:064x}",
        shared_prefixes=enumeration.snapshots,
        refreshed=enumeration.refreshed,
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
    import json

    runs: dict[str, list[Certificate]] = {}
    for certificate in certificates:
        if not certificate.complete:
            raise ValueError(f"shard {certificate.shard} is a checkpoint of a run not finished")
        runs.setdefault(json.dumps(certificate.bounds, sort_keys=True), []).append(certificate)
    return [combine(parts) for parts in runs.values()]
