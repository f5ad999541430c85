"""The runner: applies a program to an implementation and to the model, checking every law.

This is the only place where laws are checked. Every engine (the stateful machines, replay, and
the engines later issues add) produces operations and hands them to a session here, one at a time;
the first law an operation breaks stops the session with a ``Violation`` that names the program
line, the law, and what the model expected against what the implementation did.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NoReturn

from arenacheck import laws
from arenacheck import strict as strictness
from arenacheck.errors import (
    BuilderFinished,
    CallbackError,
    ConflictingRecord,
    InvalidHandle,
    ProgramError,
    ProtocolFailure,
    UnnamedError,
    Unsupported,
    error_kind,
)
from arenacheck.implementation import Implementation, Run, adapt
from arenacheck.interpreter import MISSING
from arenacheck.ledger import ENDS, Entry, alist_form, lookup_form, record_form
from arenacheck.model import alist as model_alist
from arenacheck.model import intervals as model_intervals
from arenacheck.program import Program
from arenacheck.strict import NONE, Strictness
from arenacheck.vocabulary import (
    Callback,
    Op,
    Structure,
    attempt,
    bad_handle_call,
    callback_for,
    inputs,
    make,
    run_keys,
)


def fresh(value: Any) -> Any:
    """An int equal to ``value`` but (above 256) never the same object, so ``is`` cannot pass
    for ``==``: an implementation that tests identity instead of equality is caught."""
    return int(str(value)) if type(value) is int else value


# --- Verdicts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """The first law a program broke: where, which, and expected against actual."""

    line: int
    op: Op
    law: str
    expected: Any
    actual: Any
    detail: str = ""

    def describe(self) -> str:
        section = laws.SECTIONS.get(self.law, "")
        lines = [
            f"law {self.law!r} ({section}) broken at line {self.line}: {_dumps(self.op)}",
            f"  expected: {_short(self.expected)}",
            f"  actual:   {_short(self.actual)}",
        ]
        if self.detail:
            lines.append(f"  {self.detail}")
        return "\n".join(lines)


class ViolationFound(AssertionError):
    """A session stopped on a violation; engines add the program that led to it."""

    def __init__(self, violation: Violation, program: Program | None = None) -> None:
        super().__init__(violation.describe())
        self.violation = violation
        self.program = program


@dataclass
class Stats:
    """What a run did: programs, operations, law checks by law, and the ledger's entries —
    checks by (law, form) — with the first program that reached each."""

    programs: int = 0
    operations: int = 0
    checks: Counter[str] = field(default_factory=Counter)
    unsupported: int = 0  # programs an external implementation could not run to the end
    unnamed: int = 0  # expected errors an external implementation reported without a known kind
    entries: Counter[Entry] = field(default_factory=Counter)
    first: dict[Entry, str] = field(default_factory=dict)  # a program's text, JSON Lines
    #: In one session's stats: the line each entry was first reached at, and the operations so
    #: far (the first program of an entry is made only when a run has not seen the entry yet).
    lines: dict[Entry, int] = field(default_factory=dict)
    program: Program | None = None

    def add(self, other: Stats) -> None:
        self.programs += other.programs
        self.operations += other.operations
        self.checks.update(other.checks)
        self.unsupported += other.unsupported
        self.unnamed += other.unnamed
        for entry in other.entries.keys() - self.entries.keys():
            if entry not in self.first:
                self.first[entry] = other.first_program(entry)
        self.entries.update(other.entries)

    def first_program(self, entry: Entry) -> str:
        """The text of the first program that reached ``entry``: up to the line it did."""
        if entry in self.first or self.program is None:
            return self.first.get(entry, "")
        program = self.program
        upto = self.lines[entry] - 1  # the header is line 1; the n-th operation, line n + 1
        return Program(program.structure, list(program.ops[:upto])).dumps()

    @property
    def total_checks(self) -> int:
        return sum(self.checks.values())


@dataclass
class Verdict:
    """The outcome of running one program."""

    program: Program
    violation: Violation | None
    stats: Stats
    unsupported: int | None = None  # the line an external implementation could not run

    @property
    def ok(self) -> bool:
        return self.violation is None


def _dumps(op: Op) -> str:
    return json.dumps(op)


def _short(value: Any, limit: int = 400) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 20] + f"... ({len(text)} chars)"


def kind(err: BaseException | None) -> str | None:
    """The error kind the runner compares (None for no error)."""
    return None if err is None else error_kind(err)


def _describe(err: BaseException | None) -> str:
    return "success" if err is None else f"{type(err).__name__}: {err}"


def _describe_allowed(allowed: Sequence[Exception]) -> str:
    """The model's error, and the other kinds SPEC allows in its place."""
    others = sorted({kind(e) or "" for e in allowed[1:]} - {kind(allowed[0])})
    return _describe(allowed[0]) + "".join(f" (or {kind})" for kind in others)


def _numbers(text: str) -> Counter[int]:
    """The non-negative integers a message mentions, with their multiplicity."""
    return Counter(int(n) for n in re.findall(r"\d+", text))


def names_handle(message: str, handle: Any) -> bool:
    """Whether an error message names ``handle`` (SPEC §2.2), in any of its usual spellings."""
    return any(form in message for form in (repr(handle), str(handle), json.dumps(handle)))


#: Stack frames an operation may use beyond the runner's own (law 6: no recursion). Iterative code
#: needs a few; a recursive implementation runs out on the first list longer than this, whatever
#: the interpreter's limit is (Hypothesis and pytest both raise it).
STACK_HEADROOM = 250


@contextmanager
def stack_budget(headroom: int = STACK_HEADROOM) -> Iterator[None]:
    """Run the block with at most ``headroom`` free stack frames, then restore the limit."""
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back  # type: ignore[assignment]
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + headroom)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


# --- Sessions -----------------------------------------------------------------------------------


class Session:
    """Applies operations to an implementation and the model in lockstep, checking laws."""

    structure: Structure

    def __init__(self, impl: object, strict: Strictness = NONE) -> None:
        self.impl: Implementation = adapt(impl, (self.structure,))
        self.strict = strict
        self.stats = Stats(programs=1)
        self.ops: list[Op] = []
        self.stats.program = Program(self.structure, self.ops)
        self._line = 1  # until the first operation: the header, which makes the builder
        self._op: Op = {"op": "(new builder)"}
        self.form = "new"  # the ledger's form of the operation being checked: a new builder
        self._counted: Counter[str] = Counter()  # checks by law, not yet in the ledger

    #: Whether sessions keep the ledger (``bench/ledger.py`` measures what it costs).
    keeps_ledger = True

    def apply(self, op: Op, line: int) -> None:
        """Apply one operation; raise ``ViolationFound`` on the first broken law."""
        self._line, self._op = line, op
        self.stats.operations += 1
        if self.keeps_ledger:
            self.ops.append(op)
            self.form = self.form_of(op)
        try:
            with self._protocol(), stack_budget():
                getattr(self, "_op_" + op["op"])(op)
            self._counted[laws.NO_RECURSION] += 1  # it ran within the stack budget: law 6
        finally:
            self._fold()

    def _fold(self) -> None:
        """Move the checks counted since the last fold into the stats: by law, and in the ledger
        by (law, form), noting the line an entry was first reached at. Done when the form
        changes, not at every check: a check is one counter, as before there was a ledger."""
        counted = self._counted
        if not counted:
            return
        checks = self.stats.checks
        if self.keeps_ledger:
            entries, lines, form = self.stats.entries, self.stats.lines, self.form
            for law, n in counted.items():
                checks[law] += n
                entry = (law, form)
                if entry in entries:
                    entries[entry] += n
                else:
                    entries[entry] = n
                    lines[entry] = self._line
        else:
            for law, n in counted.items():
                checks[law] += n
        counted.clear()

    def form_of(self, op: Op) -> str:
        """The ledger's form of ``op`` in this session's state (``arenacheck.ledger``)."""
        return str(op["op"])

    @contextmanager
    def _protocol(self) -> Iterator[None]:
        """An external implementation's broken reply is a violation of this operation."""
        try:
            yield
        except ProtocolFailure as failure:
            expected = "one JSON reply line (SPEC §4)"
            self.fail(failure.law, expected, failure.got, failure.detail)

    def finish(self) -> None:
        """End-of-program checks (persistence)."""

    def fail(self, law: str, expected: Any, actual: Any, detail: str = "") -> NoReturn:
        self._fold()
        raise ViolationFound(Violation(self._line, self._op, law, expected, actual, detail))

    def check(self, law: str, ok: bool, expected: Any, actual: Any, detail: str = "") -> None:
        self._counted[law] += 1
        if not ok:
            self.fail(law, expected, actual, detail)

    def same_outcome(
        self, expected: Exception | None, actual: Exception | None, also: Sequence[Exception] = ()
    ) -> None:
        """The implementation fails exactly when the model does, with an error SPEC allows there:
        the model's kind or, where several errors apply, the kind of any of them (``also``: SPEC
        leaves their order open); the error names what SPEC says it names."""
        if expected is None and actual is None:
            return
        if isinstance(actual, RecursionError):
            law = laws.NO_RECURSION
        elif expected is None:
            law = laws.UNEXPECTED_ERROR
        elif isinstance(expected, CallbackError):
            law = laws.EXCEPTION_SAFETY  # the callback's exception must reach the caller
        else:
            law = laws.BAD_INPUT
        if expected is None or actual is None:
            self.check(law, False, _describe(expected), _describe(actual), "error kind")
            return
        allowed = [expected, *also]
        kinds = {kind(e) for e in allowed}
        if isinstance(actual, UnnamedError) and strictness.KNOWN_ERROR_KINDS not in self.strict:
            self.stats.unnamed += 1  # an error was due, and came; what kind, the reply did not say
            matched = allowed if len(kinds) == 1 else []
        else:
            ok = kind(actual) in kinds
            self.check(law, ok, _describe_allowed(allowed), _describe(actual), "error kind")
            matched = [e for e in allowed if kind(e) == kind(actual)]
        if matched:
            ok = self.names(matched[0], str(actual))
            detail = "what it names"
            self.check(law, ok, _describe_allowed(matched), _describe(actual), detail)

    def names(self, expected: Exception, message: str) -> bool:
        """Whether ``message`` names what SPEC says an error like ``expected`` names."""
        if isinstance(expected, InvalidHandle):
            return names_handle(message, expected.handle)
        return True

    def also_applies(self, model_err: Exception | None, call: Callable[[], Any]) -> list[Exception]:
        """Where the model refused a finished builder, what ``call`` (the same call on an open
        copy of the model) raises: that error applies too, and SPEC leaves the order of errors
        open, so the implementation may raise either (unless strict: ``error-order``)."""
        if not isinstance(model_err, BuilderFinished) or strictness.ERROR_ORDER in self.strict:
            return []
        _, err = attempt(call)
        return [] if err is None else [err]

    def allocation(self, allocated: int, limit: int, exact: bool, detail: str = "") -> None:
        """Law 5: at most ``limit`` cells (SPEC: the laws are upper bounds); exactly ``limit``
        where the Rust original allocates exactly that and strict ``exact-allocation`` asks."""
        if exact and strictness.EXACT_ALLOCATION in self.strict:
            ok, expected = allocated == limit, f"exactly {limit} cells"
        else:
            ok, expected = 0 <= allocated <= limit, f"at most {limit} cells"
        self.check(laws.ALLOCATION, ok, expected, allocated, detail)

    def must(self, call: Callable[[], Any], law: str = laws.UNEXPECTED_ERROR) -> Any:
        """The result of a read that must not raise; a raise breaks ``law``."""
        value, err = attempt(call)
        if err is not None:
            self.check(
                laws.NO_RECURSION if isinstance(err, RecursionError) else law,
                False,
                "success",
                _describe(err),
            )
        return value

    def end(self, line: int) -> None:
        """Run the end-of-program checks, reported against the program's last line."""
        self._line, self._op = line, {"op": "(end of program)"}
        self.form = ENDS[self.structure]  # the end-of-program checks
        try:
            with self._protocol(), stack_budget():
                self.finish()
        finally:
            self._fold()


@dataclass
class Var:
    """An alist variable: its handle on each side, the contents the model gave it, and the line
    that defined it (for persistence reports)."""

    impl: Any
    model: Any
    items: list[tuple[Any, Any]]
    line: int = 0


class AlistSession(Session):
    """Checks SPEC §2.1 and §2.2 on one builder of the implementation against the model's."""

    structure: Structure = "alist"

    def __init__(self, impl: object, strict: Strictness = NONE) -> None:
        super().__init__(impl, strict)
        self.model_builder = model_alist.ListBuilder()
        self.impl_builder = self.must(self.impl.ListBuilder)
        self.model_reader: Any = self.model_builder
        self.impl_reader: Any = self.impl_builder
        self.built = False
        self.vars: list[Var | None] = [Var(self.impl.EMPTY, None, [], 0)]

    # Helpers.

    def var(self, number: int) -> Var:
        var = self.vars[number]
        if var is None:
            raise ProgramError(
                self._line, f"variable {number} was defined by an operation that failed"
            )
        return var

    def contents(self, number: int) -> list[tuple[Any, Any]] | None:
        """The model's contents of a variable (None if its operation failed): for generators."""
        var = self.vars[number] if number < len(self.vars) else None
        return None if var is None else var.items

    def form_of(self, op: Op) -> str:
        variables = [op[f] for f in ("src", "a", "b", "var") if f in op]
        contents = [self.contents(v) or [] if v < len(self.vars) else [] for v in variables]
        return alist_form(op, contents, self.built)

    def may_overflow(self, a: int, b: int) -> bool:
        """Whether ``add``/``sub`` of the two lists' values could leave [-2**63, 2**63): program
        generators then combine with ``left``, as SPEC §4 asks of generated programs."""
        biggest = [
            max((abs(v) for _, v in self.contents(var) or [] if isinstance(v, int)), default=0)
            for var in (a, b)
        ]
        return sum(biggest) >= 2**62

    def fail(self, law: str, expected: Any, actual: Any, detail: str = "") -> NoReturn:
        """A wrong result, or a callback called with a wrong value, may come from a list that
        changed under it: before reporting contents or callbacks, look for a list that no longer
        reads as when it was defined, and report that instead (law 3, the cause). Only on
        failure: the happy path pays nothing."""
        if law in (laws.CONTENTS, laws.CALLBACKS):
            for var in self.vars:
                if var is None or var.line == self._line:
                    continue
                now, err = attempt(partial(self._items_now, var))
                if err is None and now != var.items:
                    where = f"the list defined at line {var.line}, found while checking: {detail}"
                    super().fail(laws.PERSISTENCE, var.items, now, where)
        super().fail(law, expected, actual, detail)

    def _items_now(self, var: Var) -> list[tuple[Any, ...]]:
        return [tuple(p) for p in self.impl_reader.items(var.impl)]

    def _cells(self, law: str = laws.UNEXPECTED_ERROR) -> int:
        return int(self.must(lambda: self.impl_reader.cell_count, law))

    def _open_model(self) -> model_alist.ListBuilder:
        """A model builder holding this one's lists, not finished: to ask what a call refused for
        the finished builder would have raised otherwise (``also_applies``)."""
        shadow = model_alist.ListBuilder()
        shadow._lists = list(self.model_builder._lists)
        shadow.cell_count = self.model_builder.cell_count
        return shadow

    def _read(self, var: Var, law: str = laws.CONTENTS, reader: Any = None) -> None:
        """Every read of ``var`` agrees with its contents, in order (law 1, and 2 or 3)."""
        reader = reader or self.impl_reader
        detail = f"the list defined at line {var.line}"
        fails = law if law != laws.CONTENTS else laws.UNEXPECTED_ERROR
        items = self.must(lambda: [tuple(p) for p in reader.items(var.impl)], fails)
        keys = [k for k, _ in items]
        increasing = all(a < b for a, b in itertools.pairwise(keys))
        self.check(laws.ORDER, increasing, "strictly increasing keys", keys, f"{detail}: items")
        self.check(law, items == var.items, var.items, items, f"{detail}: items")
        reverse = self.must(lambda: [tuple(p) for p in reader.items_reverse(var.impl)], fails)
        self.check(laws.ORDER, reverse == items[::-1], items[::-1], reverse, "items_reverse")
        got_keys = self.must(lambda: list(reader.keys(var.impl)), fails)
        self.check(law, got_keys == keys, keys, got_keys, f"{detail}: keys")
        length = self.must(lambda: reader.length(var.impl), fails)
        self.check(law, length == len(items), len(items), length, f"{detail}: length")

    def _unchanged(self, cells_before: int, inputs: Sequence[Var], law: str) -> None:
        """After a failed operation nothing changed (no cells, no input's contents) and the
        builder still answers (law 7: no leftover state refuses the next call; through the
        protocol the cell count is itself such a read)."""
        self.must(lambda: self.impl_reader.length(self.impl.EMPTY), laws.EXCEPTION_SAFETY)
        cells = self._cells(laws.EXCEPTION_SAFETY)
        self.check(law, cells == cells_before, cells_before, cells, "cell_count")
        for var in inputs:
            self._read(var, law=law)

    def _produce(
        self,
        inputs: Sequence[Var],
        call: Callable[..., Any],
        cells: Callable[[list[tuple[Any, Any]]], int],
        exact: bool,
        callback: Callback | None = None,
    ) -> Var | None:
        """Run one list-producing call on both sides and check the result; None if it failed.

        ``call(side, builder, *handles)`` makes the call; ``cells(result)`` is the allocation law's
        bound for a result that is not one of the inputs (``exact``: met with equality by the
        Rust original, an insert); ``callback`` is the implementation's callback, if any.
        """
        before = self._cells()
        handles = [v.model for v in inputs]
        expected, model_err = attempt(lambda: call("model", self.model_builder, *handles))
        also = self.also_applies(model_err, lambda: call("model", self._open_model(), *handles))
        if model_err is not None:  # rare: then a changed input is this call's doing, not earlier
            for var in inputs:
                self._read(var, law=laws.PERSISTENCE)
        impl_handles = [v.impl for v in inputs]
        actual, impl_err = attempt(lambda: call("impl", self.impl_builder, *impl_handles))
        if callback is not None:
            self._check_reentry(callback)
        self.same_outcome(model_err, impl_err, also)
        if model_err is not None:
            law = laws.EXCEPTION_SAFETY if isinstance(model_err, CallbackError) else laws.BAD_INPUT
            self._unchanged(before, inputs, law)
            return None
        items = self.model_builder.items(expected)
        returned_input = any(v.model == expected for v in inputs)
        limit = 0 if returned_input or expected is None else cells(items)
        allocated = self._cells() - before
        self._check_handle(inputs, expected, actual)
        self.allocation(allocated, limit, exact)
        var = Var(actual, expected, items, self._line)
        self._read(var)
        return var

    def _check_handle(self, inputs: Sequence[Var], expected: Any, actual: Any) -> None:
        """Law 4 (the input itself, or EMPTY) where the model says so; else a new int handle."""
        raw = self.impl.raw_handle(actual)
        if expected is None:
            empty = self.impl.raw_handle(self.impl.EMPTY)
            self.check(laws.IDENTITY, raw is empty, f"EMPTY ({empty!r}: no entries)", raw)
            return
        same = [v for v in inputs if v.model == expected]
        if same:
            want = self.impl.raw_handle(same[0].impl)
            self.check(laws.IDENTITY, raw == want, want, raw, "the input")
        else:
            self.check(laws.HANDLES, type(raw) is int, "a plain int handle", raw)

    # Operations.

    def _op_insert(self, op: Op) -> None:
        self._list_op(op)

    def _op_replace(self, op: Op) -> None:
        self._list_op(op)

    def _op_insert_with(self, op: Op) -> None:
        self._list_op(op)

    def _op_intersect(self, op: Op) -> None:
        self._list_op(op)

    def _op_union(self, op: Op) -> None:
        self._list_op(op)

    def _list_op(self, op: Op) -> None:
        """A list-producing operation (but ``extend``), made on both sides by the vocabulary's
        ``make``, each side with its own callback; values handed over ``fresh``."""
        variables = [self.var(v) for v in inputs(op)]
        value = fresh(op.get("value"))
        fns = {
            "model": callback_for(op, self.model_builder, value),
            "impl": callback_for(op, self.impl_builder, value),
        }

        def call(side: str, builder: Any, *handles: Any) -> Any:
            return make(op, builder, list(handles), fns[side], value)

        name = op["op"]
        merge = name in ("intersect", "union")

        def cells(result: list[tuple[Any, Any]]) -> int:
            if not merge:
                return model_alist.insert_cells(variables[0].items, op["key"])
            if name == "intersect":
                return model_alist.intersect_cells(result)
            return model_alist.union_cells(variables[0].items, variables[1].items, result)

        # An insert's law is met exactly by the Rust original; a merge's is a bound there too.
        self.vars.append(self._produce(variables, call, cells, not merge, fns["impl"]))
        model, impl = fns["model"], fns["impl"]
        if model is not None and impl is not None:
            self._check_callbacks(model, impl, self.vars[-1] is not None)

    def _op_extend(self, op: Op) -> None:
        """``count`` inserts of an arithmetic run of keys. Each side runs the whole loop first
        (cheap, so long runs shrink fast); then every step is compared: where it failed, the
        cells it allocated, and whether it returned its input (a no-op); contents are read once."""
        src = self.var(op["src"])
        keys = run_keys(op)
        model = _insert_run(self.model_builder, self.model_builder, src.model, keys, op["value"])
        impl = self.impl.insert_run(self.impl_builder, src.impl, keys, op["value"])
        if impl is None:  # no one-step run: key by key
            impl = _insert_run(self.impl_builder, self.impl_reader, src.impl, keys, op["value"])
        for step in range(min(len(model.handles), len(impl.handles))):
            before = Var(impl.handles[step - 1], model.handles[step - 1], []) if step else src
            self._check_handle([before], model.handles[step], impl.handles[step])
            want, got = model.cells[step], impl.cells[step]
            self.allocation(got, want, exact=True, detail=f"inserting key {keys[step]}")

        def on_open() -> None:
            shadow = self._open_model()
            error = _insert_run(shadow, shadow, src.model, keys, op["value"]).error
            if error is not None:
                raise error

        self.same_outcome(model.error, impl.error, self.also_applies(model.error, on_open))
        if model.error is not None:
            self.vars.append(None)  # the completed steps' cells stay: they were legitimate inserts
            return
        var = Var(impl.handles[-1], model.handles[-1], [], self._line)
        var.items = self.model_builder.items(var.model)
        self._read(var)
        self.vars.append(var)

    def _check_callbacks(self, model: Callback, impl: Callback, succeeded: bool) -> None:
        """Callbacks ran as the model ran them: the same calls in any order (when the operation
        succeeded: a raise may come at a different call)."""
        if succeeded and self.impl.observes_callbacks:
            expected = sorted(model.calls, key=repr)
            actual = sorted(impl.calls, key=repr)
            self.check(laws.CALLBACKS, expected == actual, expected, actual, "callback calls")

    def _check_reentry(self, impl: Callback) -> None:
        """A callback's call back into the builder was refused. Checked before the result: a
        re-entry that got through may also have allocated, but the cause is the re-entry."""
        for err in impl.reentry:
            ok = isinstance(err, RuntimeError)
            self.check(laws.REENTRANCY, ok, "RuntimeError", _describe(err), "inner call")

    def _op_items(self, op: Op) -> None:
        self._read(self.var(op["var"]), law=laws.PERSISTENCE)  # contents as when defined

    def _op_get(self, op: Op) -> None:
        var, key = self.var(op["var"]), op["key"]
        reads: list[tuple[str, Callable[[Any, Any], Any]]] = [
            ("get", lambda r, h: r.get(h, key, MISSING)),
            ("get(default=None)", lambda r, h: r.get(h, key)),
            ("contains", lambda r, h: r.contains(h, key)),
        ]
        for name, read in reads:
            expected, model_err = attempt(partial(read, self.model_reader, var.model))
            actual, impl_err = attempt(partial(read, self.impl_reader, var.impl))
            self.same_outcome(model_err, impl_err)
            self.check(laws.CONTENTS, expected == actual, expected, actual, name)

    def _op_bad_handle(self, op: Op) -> None:
        handle, name, position = op["handle"], op["call"], op.get("position", 1)

        before = self._cells()
        call = partial(bad_handle_call, name, handle, position)
        model = self.model_builder, self.model_reader, model_alist.EMPTY
        _, model_err = attempt(lambda: call(*model))

        def on_open() -> Any:
            shadow = self._open_model()
            return call(shadow, shadow, model_alist.EMPTY)

        also = self.also_applies(model_err, on_open)
        _, impl_err = attempt(lambda: call(self.impl_builder, self.impl_reader, self.impl.EMPTY))
        self.same_outcome(model_err, impl_err, also)
        self._unchanged(before, [], laws.BAD_INPUT)

    def _op_build(self, op: Op) -> None:
        model_storage, model_err = attempt(self.model_builder.build)
        impl_storage, impl_err = attempt(self.impl_builder.build)
        self.same_outcome(model_err, impl_err)
        if model_err is None:
            self.model_reader, self.impl_reader = model_storage, impl_storage
            self.built = True
            cells = int(self.impl_builder.cell_count)
            self.check(laws.CONTENTS, self._cells() == cells, cells, self._cells(), "cell_count")

    def finish(self) -> None:
        """Persistence: every variable still reads as it did when it was defined."""
        readers = [self.impl_reader, self.impl_builder] if self.built else [self.impl_reader]
        self.impl.prefetch(self.impl_reader, [var.impl for var in self.vars if var is not None])
        for var in self.vars:
            if var is not None:
                for reader in readers:
                    self._read(var, law=laws.PERSISTENCE, reader=reader)


class IntervalSession(Session):
    """Checks SPEC §3.1 and §3.2 on one interval-map builder against the model's."""

    structure: Structure = "intervals"

    def __init__(self, impl: object, strict: Strictness = NONE) -> None:
        super().__init__(impl, strict)
        self.model_builder = model_intervals.IntervalMapBuilder()
        self.impl_builder = self.must(self.impl.IntervalMapBuilder)
        self.model_map: model_intervals.IntervalMap | None = None
        self.impl_map: Any = None
        self.records: list[tuple[int, int]] = []
        self.scopes: dict[int, int] = {}  # each recorded index's first scope
        self._indices: list[int] | None = []  # the recorded indices in order, made when asked

    def form_of(self, op: Op) -> str:
        name = op["op"]
        if name == "record":
            return record_form(op, self.scopes, self.model_map is not None)
        if name == "lookup":
            return lookup_form(op["index"], *self._scopes())
        if name == "build":
            if self.model_map is not None:
                return "map:build:again"
            conflicts = len(self.scopes) < len(set(self.records))
            return "map:build:conflict" if conflicts else "map:build"
        return str(name)

    def _op_record(self, op: Op) -> None:
        index, scope = op["index"], op["scope"]
        _, model_err = attempt(lambda: self.model_builder.record(index, scope))
        also = self.also_applies(
            model_err, lambda: model_intervals.IntervalMapBuilder().record(index, scope)
        )
        _, impl_err = attempt(lambda: self.impl_builder.record(index, scope))
        self.same_outcome(model_err, impl_err, [*also, *self._other_kind([model_err, *also])])
        if model_err is None:
            self.records.append((index, scope))
            self.scopes.setdefault(index, scope)
            self._indices = None

    def _other_kind(self, errors: list[Exception | None]) -> list[Exception]:
        """A bad record raises ``TypeError`` or ``ValueError`` (SPEC §3.2): where the model chose
        one, the other is allowed too (unless strict: ``record-error-kind``)."""
        if strictness.RECORD_ERROR_KIND in self.strict:
            return []
        swapped = {"TypeError": ValueError, "ValueError": TypeError}
        return [
            swapped[name](str(err))
            for err in errors
            if err is not None and (name := error_kind(err)) in swapped
        ]

    def names(self, expected: Exception, message: str) -> bool:
        """A ``ConflictingRecord`` names a conflicting index and two of its distinct scopes
        (SPEC §3.2: which ones is the implementation's choice, unless strict:
        ``conflict-choice``, the model's)."""
        if not isinstance(expected, ConflictingRecord):
            return super().names(expected, message)
        said = _numbers(message)
        if strictness.CONFLICT_CHOICE in self.strict:
            named = [(expected.index, *expected.scopes)]
        else:
            named = self._conflicts()
        return any(not (Counter(triple) - said) for triple in named)

    def _conflicts(self) -> list[tuple[int, int, int]]:
        """Every (index, scope, other scope) a ``ConflictingRecord`` may name here."""
        scopes: dict[int, set[int]] = {}
        for index, scope in self.records:
            scopes.setdefault(index, set()).add(scope)
        return [
            (index, first, second)
            for index, found in scopes.items()
            for first, second in itertools.combinations(sorted(found), 2)
        ]

    def _op_build(self, op: Op) -> None:
        model_map, model_err = attempt(self.model_builder.build)
        impl_map, impl_err = attempt(self.impl_builder.build)
        self.same_outcome(model_err, impl_err)
        if model_err is None:
            self.model_map, self.impl_map = model_map, impl_map
            self._check_map()

    def _maps(self) -> tuple[model_intervals.IntervalMap, Any]:
        if self.model_map is None:
            raise ProgramError(self._line, f"{self._op['op']} before a successful build")
        return self.model_map, self.impl_map

    def _op_lookup(self, op: Op) -> None:
        self._maps()
        self._lookup(op["index"])

    def _op_intervals(self, op: Op) -> None:
        model_map, impl_map = self._maps()
        expected = model_map.intervals()
        actual, err = attempt(lambda: [tuple(r) for r in impl_map.intervals()])
        self.same_outcome(None, err)
        self.check(laws.CONTENTS, actual == expected, expected, actual, "intervals()")
        size, err = attempt(lambda: len(impl_map))
        self.same_outcome(None, err)
        self.check(laws.CONTENTS, size == len(expected), len(expected), size, "len()")

    def _lookup(self, index: Any) -> None:
        """All four reads of one index agree with the model's lookup law (counted in the ledger
        under the lookup's own form, also when a build probes it)."""
        if not self.keeps_ledger:
            self._check_lookup(index)
            return
        self._fold()
        form, self.form = self.form, lookup_form(index, *self._scopes())
        try:
            self._check_lookup(index)
        finally:
            self._fold()
            self.form = form

    def _scopes(self) -> tuple[dict[int, int], list[int]]:
        if self._indices is None:
            self._indices = sorted(self.scopes)
        return self.scopes, self._indices

    def _check_lookup(self, index: Any) -> None:
        model_map, impl_map = self._maps()
        expected = model_map.get(index, MISSING)
        found = expected is not MISSING
        recorded = {i for i, _ in self.records}
        if found and index in recorded and model_intervals.in_domain(index):
            law = laws.RECORDED_LOOKUP
        elif (
            self.records
            and model_intervals.in_domain(index)
            and (min(recorded) < index < max(recorded))
        ):
            law = laws.BETWEEN_LOOKUP
        else:
            law = laws.OUTSIDE_LOOKUP
        want = (expected, expected if found else None, found, expected if found else "KeyError")

        def getitem() -> Any:
            try:
                return impl_map[index]
            except KeyError:
                return "KeyError"

        got, err = attempt(
            lambda: (
                impl_map.get(index, MISSING),
                impl_map.get(index),
                index in impl_map,
                getitem(),
            )
        )
        self.same_outcome(None, err)
        self.check(law, got == want, want, got, f"get / get(None) / in / [] of index {index!r}")

    def _check_map(self) -> None:
        """A fresh map: normal form, equal to the model's, every probe looked up, and the same
        map from the records in reverse order."""
        model_map, impl_map = self._maps()
        ranges, err = attempt(lambda: [tuple(r) for r in impl_map.intervals()])
        self.same_outcome(None, err)
        recorded = sorted({i for i, _ in self.records})
        self._check_normal_form(ranges, set(recorded), len(model_map.intervals()))
        self._op_intervals(self._op)
        probes: list[Any] = list(recorded)
        for p, q in itertools.pairwise(recorded):
            probes += [p + 1, (p + q) // 2, q - 1] if q - p > 1 else []
        if recorded:
            probes += [recorded[0] - 1, recorded[-1] + 1]
        probes += [0, 2**32 - 1, -1, 2**32, True, False, "7", 1.5, None]
        for index in probes:
            self._lookup(index)
        again, err = attempt(lambda: self._rebuild_reversed())
        self.same_outcome(None, err)
        self.check(laws.ORDER_INDEPENDENCE, again == ranges, ranges, again, "records reversed")

    def _rebuild_reversed(self) -> list[tuple[int, ...]]:
        builder = self.impl.IntervalMapBuilder()
        for index, scope in reversed(self.records):
            builder.record(index, scope)
        return [tuple(r) for r in builder.build().intervals()]

    def _check_normal_form(
        self, ranges: list[tuple[Any, ...]], recorded: set[int], expected_count: int
    ) -> None:
        problems = [
            f"range {r} is not (start <= end, scope)"
            for r in ranges
            if len(r) != 3 or not r[0] <= r[1]
        ]
        problems += [
            f"{r} and {s} overlap or are unsorted"
            for r, s in itertools.pairwise(ranges)
            if not r[1] < s[0]
        ]
        problems += [
            f"{r} and {s} share a scope" for r, s in itertools.pairwise(ranges) if r[2] == s[2]
        ]
        problems += [
            f"{r} does not start and end at recorded indices"
            for r in ranges
            if r[0] not in recorded or r[1] not in recorded
        ]
        if len(ranges) != expected_count:
            problems.append(f"{len(ranges)} ranges, not 1 + the scope changes = {expected_count}")
        self.check(laws.NORMAL_FORM, not problems, "normal form", ranges, "; ".join(problems[:3]))

    def finish(self) -> None:
        if self.model_map is not None:
            self._op_intervals(self._op)


def _insert_run(builder: Any, reader: Any, handle: Any, keys: range, value: Any) -> Run:
    """An ``extend`` key by key: each insert's handle and cells, and the error that stopped it."""
    run = Run([], [], None)
    before = reader.cell_count
    try:
        for key in keys:
            handle = builder.insert(handle, key, value)
            after = reader.cell_count
            run.handles.append(handle)
            run.cells.append(after - before)
            before = after
    except Exception as err:
        run.error = err
    return run


SESSIONS: dict[Structure, type[Session]] = {"alist": AlistSession, "intervals": IntervalSession}


def run_program(program: Program, impl: object, strict: Strictness = NONE) -> Verdict:
    """Run a whole program; the verdict holds the first violation, if any. ``strict`` adds the
    project's own decisions to SPEC's laws (``arenacheck.strict``)."""
    stats = Stats(programs=1)
    try:
        session = SESSIONS[program.structure](impl, strict)
        stats = session.stats
        for op, line in zip(program.ops, program.lines, strict=True):
            session.apply(op, line)
        session.end(program.lines[-1] if program.lines else 1)
    except ViolationFound as found:
        return Verdict(program, found.violation, stats)
    except Unsupported:
        stats.unsupported += 1
        return Verdict(program, None, stats, unsupported=session._line)
    return Verdict(program, None, stats)
