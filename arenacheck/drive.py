"""The drive loop: a program, or a stream of operations, applied to an implementation and the
model in lockstep, every law checked; the verdict at the end.

Every engine and command runs programs through here — ``replay``, the forms, the shrinker, the
stateful machines (one ``step`` per rule), the fuzz targets (a stream decoded from bytes as it
runs), exhaust (``fork`` at every prefix) — so an operation is applied, a violation caught and an
unsupported answer counted in one place. A ``Drive`` holds a session (``arenacheck.sessions``) for
each builder the program opened — one, unless it opens more (version 3: ``Operation.opens``) —
and the operations applied so far: on a violation they *are* the failing program.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from arenacheck.errors import ProgramError, Unsupported
from arenacheck.program import SEVERAL_BUILDERS, Program, builder_of
from arenacheck.sessions.alist import AlistSession
from arenacheck.sessions.base import Session
from arenacheck.sessions.intervals import IntervalSession
from arenacheck.strict import NONE, Strictness
from arenacheck.structures import Op, Structure
from arenacheck.verdicts import Stats, Verdict, ViolationFound

#: The session of each structure.
SESSIONS: dict[Structure, type[Session]] = {"alist": AlistSession, "intervals": IntervalSession}


class Drive:
    """One program under way: its session and the operations applied so far.

    ``step`` applies one operation: True when it ran, False when the implementation answered it
    unsupported (the program then stops: nothing after it can run), and ``ViolationFound`` —
    carrying the program so far — when it broke a law. ``end`` runs the end-of-program checks.
    Making a ``Drive`` makes the builder, which may itself break a law (``ViolationFound`` with
    the empty program).
    """

    def __init__(self, structure: Structure, impl: object, strict: Strictness = NONE) -> None:
        self.structure = structure
        self.ops: list[Op] = []
        self.lines: list[int] = []
        self.stopped = False  # an operation was answered unsupported
        self.unsupported: int | None = None  # its line
        self.impl, self.strict = impl, strict
        try:
            self.session = SESSIONS[structure](impl, strict, self.ops)
        except ViolationFound as found:
            found.program = Program(structure, [])
            raise
        #: A session per builder, the program's own first; they share one ``Stats``.
        self.sessions = [self.session]

    @property
    def stats(self) -> Stats:
        return self.session.stats

    def at(self, op: Op) -> Session:
        """The session of the builder ``op`` is made on (a new one if it opens a builder)."""
        if not self.session.operations[op["op"]].opens:
            number = builder_of(op)
            if not (type(number) is int and 0 <= number < len(self.sessions)):
                raise ProgramError(None, f"no builder {number!r} is open")
            return self.sessions[number]
        beside = self.session.builder()
        opened = SESSIONS[self.structure](self.impl, self.strict, self.ops, beside)
        opened.stats.programs = 0
        self.stats.add(opened.stats)  # (making its builder was checked)
        opened.stats, opened.neighbours = self.stats, list(self.sessions)
        self.sessions.append(opened)
        return opened

    def program(self) -> Program:
        """The operations applied so far, as a program."""
        return Program(self.structure, list(self.ops), list(self.lines))

    def step(self, op: Op, line: int | None = None) -> bool:
        """Apply ``op`` (at ``line`` of its file; by default the next line)."""
        if self.stopped:
            return False
        line = line if line is not None else len(self.ops) + 2
        self.ops.append(op)
        self.lines.append(line)
        try:
            try:
                session = self.at(op)
            except Unsupported:  # (another builder: the implementation cannot open one)
                self.session.cut_at(op, line)
                raise
            session.apply(op, line)
        except ViolationFound as found:
            found.program = self.program()
            raise
        except Unsupported:
            self.stopped, self.unsupported = True, line
            return False
        return True

    def end(self) -> None:
        """The end-of-program checks (unless the program stopped at an unsupported operation)."""
        if self.stopped:
            return
        try:
            for session in self.sessions:
                session.end(self.lines[-1] if self.lines else 1)
        except ViolationFound as found:
            found.program = self.program()
            raise
        except Unsupported:
            self.stopped, self.unsupported = True, self.lines[-1] if self.lines else 1
            return
        if len(self.sessions) > 1 and self.session.keeps_ledger:
            self.stats.reached[SEVERAL_BUILDERS] += 1

    def fork(self) -> Drive:
        """A copy to go on from, sharing what never changes (``Session.fork``)."""
        copied = Drive.__new__(Drive)
        copied.structure, copied.stopped, copied.unsupported = self.structure, False, None
        copied.impl, copied.strict = self.impl, self.strict
        copied.sessions = [session.fork() for session in self.sessions]
        copied.session = copied.sessions[0]
        copied.ops, copied.lines = copied.session.ops, list(self.lines)
        for number, session in enumerate(copied.sessions):
            session.ops, session.stats = copied.ops, copied.session.stats
            session.neighbours = copied.sessions[:number]
        return copied

    def recount(self) -> None:
        """Count afresh from here: what was applied so far was counted already."""
        stats = Stats(program=Program(self.structure, self.ops))
        for session in self.sessions:
            session.stats = stats


def drive(
    structure: Structure,
    ops: Iterable[Op] | Callable[[Drive], Iterable[Op]],
    impl: object,
    strict: Strictness = NONE,
    lines: Sequence[int] | None = None,
) -> Verdict:
    """Apply every operation of ``ops`` — a sequence, or a stream made from the drive as it goes
    (what the model holds so far decides the next operation) — then the end-of-program checks.
    The verdict holds the first violation, or the line an operation was unsupported at."""
    run: Drive | None = None
    try:
        run = Drive(structure, impl, strict)
        stream = ops(run) if callable(ops) else ops
        for number, op in enumerate(stream):
            if not run.step(op, lines[number] if lines else None):
                break
        run.end()
    except ViolationFound as found:
        stats = run.stats if run is not None else Stats(programs=1)
        assert found.program is not None
        return Verdict(found.program, found.violation, stats)
    return Verdict(run.program(), None, run.stats, run.unsupported, run.session.cut_form)


def run_program(program: Program, impl: object, strict: Strictness = NONE) -> Verdict:
    """Run a whole program; the verdict holds the first violation, if any. ``strict`` adds the
    project's own decisions to SPEC's laws (``arenacheck.strict``)."""
    verdict = drive(program.structure, program.ops, impl, strict, program.lines)
    verdict.program = program
    return verdict
