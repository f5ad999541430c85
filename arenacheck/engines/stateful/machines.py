"""The Hypothesis engine's machines: stateful machines that generate programs, one operation at
a time.

A machine never checks anything itself. Each rule builds one operation (SPEC §4, as data) and
steps the drive loop with it (``arenacheck.drive``); when a law breaks, the operations so far
*are* the failing program. Rules read the model's contents (through the session's public reads)
only to aim: at present keys, at equal values, at the gaps between records.

``machine_for(structure, impl)`` makes a machine class for any implementation; pytest collects
its ``TestCase``, and ``arenacheck check`` drives it for a time budget (``engine.run``).
"""

from __future__ import annotations

import time
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, multiple, rule

from arenacheck import resources
from arenacheck.callbacks import COMBINES, FAILING, FNS
from arenacheck.domains import HUGE_HANDLE
from arenacheck.drive import Drive
from arenacheck.engines.aim import may_overflow
from arenacheck.implementation import Implementation, adapt, feature
from arenacheck.ops.alist.bad_handle import CALLS
from arenacheck.program import Program
from arenacheck.sessions.alist import AlistSession
from arenacheck.sessions.intervals import IntervalSession
from arenacheck.strict import NONE, Strictness
from arenacheck.structures import Op, Structure
from arenacheck.verdicts import Stats

# --- Shared strategies --------------------------------------------------------------------------

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
#: Mostly small keys so that lists collide; sometimes the extremes of the key range.
keys = st.integers(-4, 40) | st.sampled_from([INT64_MIN, INT64_MAX, 2**31, -(2**31) - 1])
#: Small values, and values above 256 (the runner hands them over as fresh, non-identical ints).
values = st.integers(-3, 3) | st.integers(257, 10**6) | st.sampled_from([-(2**62), 2**62])
#: Values no alist or interval map accepts as a handle or an index.
BAD_SCALARS: list[Any] = [-1, -(2**40), HUGE_HANDLE, True, False, "3", 1.5, None]


def rarely(data: st.DataObject, one_in: int, label: str) -> bool:
    """True about once in ``one_in`` draws; shrinks towards False, so rare paths stay rare."""
    return data.draw(st.integers(0, one_in - 1), label=label) == one_in - 1


#: One example in this many starts from a traced program; the rest start empty.
TRACED_ONE_IN = 4
#: How many of a traced start's last lists join the bundle the alist rules draw from.
TRACED_LISTS = 8


class BudgetSpent(Exception):
    """Raised by a machine made after its run's deadline: ends a run that is one long test."""


class ProgramMachine(RuleBasedStateMachine):
    """Steps one drive per example; a failure carries its program."""

    structure: Structure
    impl: Implementation
    stats: Stats | None = None  # shared by every machine of one run, for progress displays
    deadline: float | None = None  # time.monotonic() after which no example starts
    from_traces: bool = True  # whether some examples start from a traced program
    strict: Strictness = NONE  # the project's own decisions to hold the implementation to
    #: The programs this run's machines ran to the end, most recent last (shared by every machine
    #: of one run: a violation that needs them is reported with them, as a program sequence).
    history: list[Program] | None = None
    HISTORY = 200

    def __init__(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise BudgetSpent()
        super().__init__()
        self.drive = Drive(self.structure, self.impl, self.strict)
        self.failed = False

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
        long in-order runs and joins of lists sharing an ancestor, and the rules go on from
        there. Not under the solver: a concrete prefix only costs it time."""
        starts = resources.starts(self.structure) if self.from_traces else ()
        if not starts or not rarely(data, TRACED_ONE_IN, "traced start"):
            return None
        return data.draw(st.sampled_from(starts), label="traced program")

    def apply(self, op: Op) -> bool:
        """Apply ``op`` unless the implementation cannot (an external one said so before, or
        says so now: then this example ends here); whether it was applied."""
        if self.stopped or not self.impl.supports(feature(op)):
            return False
        try:
            return self.drive.step(op)
        except BaseException:
            self.failed = True
            raise

    def teardown(self) -> None:
        try:
            if not self.failed and not self.stopped:
                self.finish()
                self.drive.end()
                if self.history is not None:
                    self.history.append(self.drive.program())
                    del self.history[: -self.HISTORY]
        finally:
            if self.stats is not None:
                self.stats.add(self.drive.stats)

    def finish(self) -> None:
        """Last operations before the end-of-program checks."""


# --- Association lists --------------------------------------------------------------------------


class AlistMachine(ProgramMachine):
    """Inserts, replaces, merges (all combine forms, raising and re-entrant ones), long runs,
    reads, bad handles and foreign keys on one builder; finally ``build()`` and persistence."""

    structure: Structure = "alist"
    lists: Bundle[int] = Bundle("lists")

    @property
    def alists(self) -> AlistSession:
        session = self.drive.session
        assert isinstance(session, AlistSession)
        return session

    def define(self, op: Op) -> Any:
        """Apply a list-producing operation; its variable joins the bundle unless it failed."""
        if not self.apply(op):
            return multiple()
        number = len(self.alists.vars) - 1
        return number if self.alists.vars[number] is not None else multiple()

    def contents(self, var: int) -> list[tuple[Any, Any]]:
        return self.alists.contents(var) or []

    def key_for(self, data: st.DataObject, var: int) -> Any:
        """Half the time a key already in ``var`` (when it has any), else any key; rarely a
        string, which an int list cannot compare (SPEC §2.2: the comparison's ``TypeError``)."""
        if rarely(data, 25, "string key"):
            return data.draw(st.sampled_from(["a", "k"]), label="key")
        present = [k for k, _ in self.contents(var) if isinstance(k, int)]
        if present:
            use_present: bool = data.draw(st.booleans(), label="present key")
            if use_present:
                return data.draw(st.sampled_from(present), label="key")
        return data.draw(keys, label="key")

    @initialize(target=lists)
    def empty(self) -> int:
        return 0  # variable 0 is EMPTY

    @initialize(target=lists, data=st.data())
    def traced(self, data: st.DataObject) -> Any:
        start = self.traced_start(data)
        made: list[int] = []
        # Initialize rules run first and ``empty`` applies nothing: the traced program's
        # variables are numbered here as in the program itself.
        for op in start.ops if start is not None else ():
            defined = self.define(op)
            if isinstance(defined, int):
                made.append(defined)
            elif self.stopped:
                break
        return multiple(*made[-TRACED_LISTS:])

    @rule(target=lists, src=lists, data=st.data(), value=values)
    def insert(self, src: int, data: st.DataObject, value: int) -> Any:
        return self.define(
            {"op": "insert", "src": src, "key": self.key_for(data, src), "value": value}
        )

    @rule(target=lists, src=lists, data=st.data())
    def set_insert(self, src: int, data: st.DataObject) -> Any:
        return self.define({"op": "insert", "src": src, "key": self.key_for(data, src)})

    @rule(target=lists, src=lists, data=st.data())
    def replace(self, src: int, data: st.DataObject) -> Any:
        key = self.key_for(data, src)
        stored = dict(self.contents(src)).get(key)
        equal = stored is not None and data.draw(st.booleans(), label="equal value")
        value = stored if equal else data.draw(values, label="value")
        return self.define({"op": "replace", "src": src, "key": key, "value": value})

    @rule(target=lists, src=lists, data=st.data(), value=values)
    def insert_with(self, src: int, data: st.DataObject, value: int) -> Any:
        fn = data.draw(st.sampled_from(FNS), label="fn")
        key = self.key_for(data, src)
        return self.define({"op": "insert_with", "src": src, "key": key, "value": value, "fn": fn})

    @rule(target=lists, a=lists, b=lists, data=st.data())
    def merge(self, a: int, b: int, data: st.DataObject) -> Any:
        return self.define(self.merge_op(a, b, data))

    @rule(target=lists, a=lists, data=st.data())
    def merge_itself(self, a: int, data: st.DataObject) -> Any:
        """A list merged with itself: every key common, each value against itself (the bundled
        set forms return the list at once; the ``_with`` forms must still call ``combine``)."""
        return self.define(self.merge_op(a, a, data))

    @rule(target=lists, a=lists, data=st.data())
    def merge_variant(self, a: int, data: st.DataObject) -> Any:
        """Merge a list with a variant of itself, one value replaced: two branches of a flow that
        changed one binding. Common keys then disagree on a value, which only the forms that
        choose between values (the set forms keep the first) can get wrong."""
        present = [k for k, _ in self.contents(a) if isinstance(k, int)]
        if not present:
            return multiple()
        key = data.draw(st.sampled_from(present), label="key")
        value = data.draw(values, label="value")
        variant = self.define({"op": "replace", "src": a, "key": key, "value": value})
        if not isinstance(variant, int):
            return variant
        first, second = (a, variant) if data.draw(st.booleans(), label="first") else (variant, a)
        return self.define(self.merge_op(first, second, data))

    def merge_op(self, a: int, b: int, data: st.DataObject) -> dict[str, Any]:
        """An intersection or union in any of its forms: set, six combines, raising, re-entrant."""
        kind = data.draw(st.sampled_from(["intersect", "union"]), label="kind")
        forms = [None, *COMBINES, *FAILING]
        combine = data.draw(st.sampled_from(forms), label="combine")
        if combine in ("add", "sub") and may_overflow(self.alists, a, b):
            combine = "left"  # programs keep combined values inside [-2**63, 2**63)
        op: dict[str, Any] = {"op": kind, "a": a, "b": b}
        if combine is not None:
            op["combine"] = combine
        if combine == "raise":
            op["after"] = data.draw(st.integers(0, 3), label="after")
        return op

    @rule(target=lists, src=lists, data=st.data(), value=values)
    def extend(self, src: int, data: st.DataObject, value: int) -> Any:
        """A short run of keys in one step, in either direction."""
        count = data.draw(st.integers(1, 12), label="count")
        step = data.draw(st.sampled_from([1, 2, -1, 3, -5]), label="step")
        start = data.draw(st.integers(-50, 50), label="start")
        return self.define(
            {
                "op": "extend",
                "src": src,
                "start": start,
                "step": step,
                "count": count,
                "value": value,
            }
        )

    @rule(target=lists, other=lists, data=st.data(), value=values)
    def long_run(self, other: int, data: st.DataObject, value: int) -> Any:
        """Rarely, 2,000 keys in a row (law 6) from EMPTY, at once merged with another list.
        Mostly increasing; a decreasing run costs 2,001,000 cells (quadratic by design), so it is
        rarer, and it always starts from EMPTY so that no run pays for a long list beneath it."""
        if not rarely(data, 8, "long run"):
            return multiple()
        step = -1 if rarely(data, 5, "decreasing") else 1
        start = data.draw(st.integers(-50, 50), label="start")
        long = self.define(
            {"op": "extend", "src": 0, "start": start, "step": step, "count": 2000, "value": value}
        )
        if not isinstance(long, int):
            return long
        a, b = (long, other) if data.draw(st.booleans(), label="long first") else (other, long)
        merged = self.define(self.merge_op(a, b, data))
        return multiple(long, *([merged] if isinstance(merged, int) else []))

    @rule(var=lists, data=st.data())
    def get(self, var: int, data: st.DataObject) -> None:
        key = "k" if rarely(data, 8, "foreign key") else self.key_for(data, var)
        self.apply({"op": "get", "var": var, "key": key})

    @rule(target=lists, src=lists, value=values)
    def foreign_key(self, src: int, value: int) -> Any:
        """A string key: ``TypeError`` on an int-keyed list, a one-entry list on EMPTY."""
        return self.define({"op": "insert", "src": src, "key": "k", "value": value})

    @rule(
        call=st.sampled_from(list(CALLS)),
        handle=st.sampled_from([h for h in BAD_SCALARS if h is not None]),
        position=st.sampled_from([1, 2]),
    )
    def bad_handle(self, call: str, handle: Any, position: int) -> None:
        op: dict[str, Any] = {"op": "bad_handle", "call": call, "handle": handle}
        if call in ("intersect", "union"):
            op["position"] = position
        self.apply(op)

    @rule(var=lists)
    def items(self, var: int) -> None:
        self.apply({"op": "items", "var": var})

    @rule(data=st.data())
    def build(self, data: st.DataObject) -> None:
        """Rarely (most examples build only at the end); after it, mutations must fail."""
        if rarely(data, 12, "build now"):
            self.apply({"op": "build"})

    def finish(self) -> None:
        if not self.alists.built:
            self.apply({"op": "build"})


# --- Interval map -------------------------------------------------------------------------------


class IntervalsMachine(ProgramMachine):
    """Records mostly in order (jumps back, duplicates, rare conflicts, bad values), builds once
    enough records are in, then looks up recorded indices, gaps, edges and the outside."""

    structure: Structure = "intervals"

    @property
    def maps(self) -> IntervalSession:
        session = self.drive.session
        assert isinstance(session, IntervalSession)
        return session

    @property
    def built(self) -> bool:
        return self.maps.built

    @initialize(scopes=st.integers(1, 4), data=st.data())
    def plan(self, scopes: int, data: st.DataObject) -> None:
        self.scopes, self.last = scopes, 0
        start = self.traced_start(data)
        for op in start.ops if start is not None else ():
            if not self.apply(op):
                break
            self.last = op["index"]

    # No preconditions: a rule that does not apply in this phase does nothing, so that deleting
    # a step while shrinking never changes which rules the rest of the example may choose.

    @rule(data=st.data())
    def record(self, data: st.DataObject) -> None:
        """Mostly the next index; sometimes back, anywhere, or again (rarely a conflict).
        After ``build`` the same rule checks that recording is refused."""
        recorded = self.maps.records
        how = data.draw(st.sampled_from(["next", "next", "next", "back", "anywhere", "again"]))
        scope = data.draw(st.integers(0, self.scopes - 1), label="scope")
        if how == "again" and recorded:
            index, scope = data.draw(st.sampled_from(recorded), label="record again")
            if rarely(data, 25, "conflict"):
                scope += 1  # the same index with another scope: build() must refuse
        elif how == "back":
            index = max(0, self.last - data.draw(st.integers(1, 8), label="back"))
        elif how == "anywhere":
            index = data.draw(st.integers(0, 2**32 - 1) | st.integers(0, 200), label="index")
        else:
            index = min(2**32 - 1, self.last + data.draw(st.integers(1, 4), label="step"))
        self.last = index
        self.apply({"op": "record", "index": index, "scope": scope})

    @rule(data=st.data())
    def bad_record(self, data: st.DataObject) -> None:
        bad = st.sampled_from([*BAD_SCALARS, 2**32, -1])
        good = st.integers(0, 5)
        index, scope = data.draw(st.sampled_from([(bad, good), (good, bad), (bad, bad)]))
        self.apply({"op": "record", "index": data.draw(index), "scope": data.draw(scope)})

    @rule(data=st.data())
    def build(self, data: st.DataObject) -> None:
        """Now and then, so that records pile up first; a second build must be refused."""
        if rarely(data, 4, "build now"):
            self.apply({"op": "build"})

    @rule(data=st.data())
    def lookup(self, data: st.DataObject) -> None:
        if not self.built:
            return
        recorded = sorted({i for i, _ in self.maps.records})
        if recorded and not rarely(data, 5, "far"):
            index = data.draw(st.sampled_from(recorded)) + data.draw(st.integers(-2, 2))
        else:
            index = data.draw(st.integers(-2, 2**32 + 2) | st.sampled_from(BAD_SCALARS))
        self.apply({"op": "lookup", "index": index})

    @rule()
    def intervals(self) -> None:
        if self.built:
            self.apply({"op": "intervals"})

    def finish(self) -> None:
        if not self.built:
            self.apply({"op": "build"})  # every example ends with a map (or a conflict)


MACHINES: dict[Structure, type[ProgramMachine]] = {
    "alist": AlistMachine,
    "intervals": IntervalsMachine,
}


def machine_for(
    structure: Structure,
    impl: object,
    stats: Stats | None = None,
    deadline: float | None = None,
    from_traces: bool = True,
    strict: Strictness = NONE,
    history: list[Program] | None = None,
) -> type[ProgramMachine]:
    """A machine class checking ``impl``; its ``TestCase`` is a unittest/pytest test."""
    base = MACHINES[structure]
    adapted = adapt(impl, (structure,))
    name = f"{base.__name__}[{adapted.name}]"
    attributes = {
        "impl": adapted,
        "stats": stats,
        "deadline": deadline,
        "from_traces": from_traces,
        "strict": strict,
        "history": history,
    }
    return type(name, (base,), attributes)
