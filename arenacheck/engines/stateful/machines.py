"""The Hypothesis engine's machines: stateful machines that generate programs, one operation at
a time.

A machine never checks anything itself, and names no operation: each rule is a *move* of an
operation of the registry (``Operation.moves``, ``arenacheck.ops.draw``), which draws one or two
operations (SPEC §4, as data) through Hypothesis and steps the drive loop with them
(``arenacheck.drive``); when a law breaks, the operations so far *are* the failing program.
Moves read the model's contents (through the session's public reads) only to aim: at present
keys, at equal values, at the gaps between records.

``machine_for(structure, impl)`` makes a machine class for any implementation; pytest collects
its ``TestCase``, and ``arenacheck check`` drives it for a time budget (``engine.run``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from arenacheck import resources
from arenacheck.drive import Drive
from arenacheck.implementation import Implementation, adapt, feature
from arenacheck.ops import changes, operations
from arenacheck.ops.draw import USER_KEYS, USER_VALUES, Aim, Move, rarely
from arenacheck.program import BUILDER, Program
from arenacheck.sessions.alist import AlistSession
from arenacheck.strict import NONE, Strictness
from arenacheck.structures import Op, Structure
from arenacheck.verdicts import Stats, ViolationFound

T = TypeVar("T")


class HypothesisDraw:
    """A move's choices (``ops.draw.Draw``), drawn from Hypothesis: shrinking and swarm testing
    work on them as on any rule's."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def integer(self, low: int, high: int, label: str) -> int:
        drawn: int = self.data.draw(st.integers(low, high), label=label)
        return drawn

    def choice(self, options: Sequence[T], label: str) -> T:
        drawn: T = self.data.draw(st.sampled_from(options), label=label)
        return drawn

    def boolean(self, label: str) -> bool:
        drawn: bool = self.data.draw(st.integers(0, 1), label=label) == 1
        return drawn

    def drawn(self, strategy: Any, label: str) -> Any:
        return self.data.draw(strategy, label=label)


#: One example in this many starts from a traced program; the rest start empty.
TRACED_ONE_IN = 4
#: How many of a traced start's last lists join the variables the moves draw from.
TRACED_LISTS = 8


class BudgetSpent(Exception):
    """Raised by a machine made after its run's deadline: ends a run that is one long test."""


class ProgramMachine(RuleBasedStateMachine):
    """Steps one drive per example; a failure carries its program. Its rules are the moves of
    the registry's operations (``machine_class``); it never checks anything itself."""

    structure: Structure
    impl: Implementation
    stats: Stats | None = None  # shared by every machine of one run, for progress displays
    deadline: float | None = None  # time.monotonic() after which no example starts
    #: Whether examples may start in bulk: from a traced program, or with the operations'
    #: preludes (not under the solver, where only short paths pay: ``engine.CROSSHAIR_STEPS``).
    from_traces: bool = True
    strict: Strictness = NONE  # the project's own decisions to hold the implementation to
    #: The programs this run's machines ran to the end, most recent last (shared by every machine
    #: of one run: a violation that needs them is reported with them, as a program sequence).
    history: list[Program] | None = None
    HISTORY = 200
    #: The first violation an example of this run raised (shared like ``history``): when
    #: Hypothesis replays that example and the implementation's process-wide state makes the
    #: replay differ, Hypothesis reports its own inconsistency, not the violation.
    first: list[ViolationFound] | None = None
    #: A user's own strategies for keys and values (``machine_for``), or None: the engine's.
    keys: Any = None
    values: Any = None

    def __init__(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise BudgetSpent()
        super().__init__()
        self.drive = Drive(self.structure, self.impl, self.strict)
        pool = [0] if self.structure == "alist" else None
        #: What the moves aim at, a builder each (the program's own first), and the one the
        #: moves make their lines on now.
        memo = {USER_KEYS: self.keys, USER_VALUES: self.values}
        self.aims = [Aim(self.drive.session, pool=pool, memo=memo, bulk=self.from_traces)]
        self.target = 0
        self.failed = False

    @property
    def aim(self) -> Aim:
        return self.aims[self.target]

    @property
    def ops(self) -> list[Op]:
        return self.drive.ops

    @property
    def stopped(self) -> bool:
        """An external implementation could not run an operation: the example ends there."""
        return self.drive.stopped

    def traced_start(self, data: st.DataObject) -> Program | None:
        """Sometimes, the start of a program traced from real code (``resources.starts``):
        the example then begins in the state a type checker's semantic index is really in, with
        long in-order runs and joins of lists sharing an ancestor, and the moves go on from
        there. Not under the solver: a concrete prefix only costs it time."""
        starts = resources.starts(self.structure) if self.from_traces else ()
        if not starts or not rarely(HypothesisDraw(data), TRACED_ONE_IN, "traced start"):
            return None
        return data.draw(st.sampled_from(starts), label="traced program")

    @initialize(data=st.data())
    def traced(self, data: st.DataObject) -> None:
        """What each operation draws for the example first (``Operation.setup``), what it
        begins with (``Operation.prelude``), then, sometimes, a traced start."""
        for operation in operations(self.structure).values():
            operation.setup(HypothesisDraw(data), self.aim)
        for operation in operations(self.structure).values() if self.from_traces else ():
            self.play(operation.prelude, data)
        start = self.traced_start(data)
        made: list[int] = []
        for op in start.ops if start is not None else ():
            defined = self.make(op)
            if defined is not None:
                made.append(defined)
            elif self.stopped:
                break
        if self.aim.pool is not None:
            self.aim.pool += made[-TRACED_LISTS:]

    def apply(self, op: Op) -> bool:
        """Apply ``op`` unless the implementation cannot (an external one said so before, or
        says so now: then this example ends here); whether it was applied."""
        if self.stopped or not self.impl.supports(feature(op)):
            return False
        try:
            return self.drive.step(op)
        except BaseException as error:
            self.failed = True
            self.remember(error)
            raise

    def remember(self, error: BaseException) -> None:
        """Keep ``error`` if it is this run's first violation."""
        if isinstance(error, ViolationFound) and self.first is not None and not self.first:
            self.first.append(error)

    def make(self, op: Op) -> int | None:
        """Apply ``op`` on the builder aimed at; the variable it defined (None if it defines
        none, or failed). A line that opens a builder aims the moves after it there."""
        operation = self.drive.session.operations[op["op"]]
        if self.target and not operation.opens:
            op = {**op, BUILDER: self.target}
        if not self.apply(op):
            return None
        if operation.opens:
            opened = self.drive.sessions[-1]
            pool = [0] if self.aims[0].pool is not None else None
            self.aims.append(Aim(opened, pool=pool, memo=self.aims[0].memo, bulk=self.from_traces))
            self.target = len(self.aims) - 1
            return None
        session = self.aim.session
        if not isinstance(session, AlistSession) or not operation.defines:
            return None
        number = len(session.vars) - 1
        return number if session.vars[number] is not None else None

    @precondition(lambda self: len(self.aims) > 1)
    @rule(data=st.data())
    def switch_builder(self, data: st.DataObject) -> None:
        """Aim the moves at another of the builders open (SPEC §2.2: nothing crosses)."""
        self.target = data.draw(st.integers(0, len(self.aims) - 1), label="builder")

    def play(self, move: Move, data: st.DataObject) -> None:
        """One move: its operations applied in turn, each told the variable the last defined."""
        steps = move(HypothesisDraw(data), self.aim)
        try:
            op = next(steps)
            while True:
                defined = self.make(op)
                if defined is not None and self.aim.pool is not None:
                    self.aim.pool.append(defined)
                op = steps.send(defined)
        except StopIteration:
            pass

    def teardown(self) -> None:
        try:
            if not self.failed and not self.stopped:
                self.finish()
                self.drive.end()
                if self.history is not None:
                    self.history.append(self.drive.program())
                    del self.history[: -self.HISTORY]
        except BaseException as error:
            self.remember(error)  # (the end checks' violation: a line's was kept already)
            raise
        finally:
            if self.stats is not None:
                self.stats.add(self.drive.stats)

    def finish(self) -> None:
        """What each operation ends an example with (``Operation.finish``: a build, if none
        came), before the end-of-program checks."""
        for target in range(len(self.aims)):
            self.target = target
            for operation in operations(self.structure).values():
                for op in operation.finish(self.aim.session):
                    self.make(op)


def _rule(name: str, move: Move) -> Any:
    def play(self: ProgramMachine, data: st.DataObject) -> None:
        self.play(move, data)

    # Hypothesis tells rules apart by their function's name (swarm testing, reports).
    play.__name__ = play.__qualname__ = name
    play.__doc__ = move.__doc__
    return rule(data=st.data())(play)


def machine_class(structure: Structure) -> type[ProgramMachine]:
    """The machine of ``structure``: a rule for each move of each operation of the registry
    (``Operation.moves``), remade when the registry changes."""
    made = _MACHINES.get(structure)
    if made is not None and made[0] == changes():
        return made[1]
    rules: dict[str, Any] = {}
    for operation in operations(structure).values():
        for name, move in operation.moves().items():
            named = name if name not in rules else f"{operation.name}_{name}"
            rules[named] = _rule(named, move)
    title = {"alist": "AlistMachine", "intervals": "IntervalsMachine"}[structure]
    machine = type(title, (ProgramMachine,), {"structure": structure, **rules})
    _MACHINES[structure] = (changes(), machine)
    return machine


_MACHINES: dict[Structure, tuple[int, type[ProgramMachine]]] = {}
#: The machines of the bundled operations.
AlistMachine = machine_class("alist")
IntervalsMachine = machine_class("intervals")


def machine_for(
    structure: Structure,
    impl: object,
    stats: Stats | None = None,
    deadline: float | None = None,
    from_traces: bool = True,
    strict: Strictness = NONE,
    history: list[Program] | None = None,
    first: list[ViolationFound] | None = None,
    keys: Any = None,
    values: Any = None,
) -> type[ProgramMachine]:
    """A machine class checking ``impl``; its ``TestCase`` is a unittest/pytest test. ``keys``
    and ``values``: Hypothesis strategies of the user's own, drawing keys (one total order)
    and values of the kinds programs hold (docs/semantics.md, "Keys and values"): keys then
    come from ``keys`` alone, values from ``values`` half the time, ints the other half."""
    base = machine_class(structure)
    adapted = adapt(impl, (structure,))
    name = f"{base.__name__}[{adapted.name}]"
    attributes = {
        "impl": adapted,
        "stats": stats,
        "deadline": deadline,
        "from_traces": from_traces,
        "strict": strict,
        "history": history,
        "first": first,
        "keys": keys,
        "values": values,
    }
    return type(name, (base,), attributes)
