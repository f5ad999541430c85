"""The runner: applies a program to an implementation and to the model, checking every law.

This is the only place where laws are checked. Every engine (the stateful machines, replay, and
the engines later issues add) produces operations and hands them to a session here, one at a time;
the first law an operation breaks stops the session with a ``Violation`` that names the program
line, the law, and what the model expected against what the implementation did.
"""

from __future__ import annotations

import itertools
import json
import operator
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
    KINDS,
    BuilderFinished,
    CallbackError,
    ConflictingRecord,
    InvalidHandle,
    ProgramError,
    UnnamedError,
)
from arenacheck.external import ExternalFailure, Unsupported
from arenacheck.model import alist as model_alist
from arenacheck.model import intervals as model_intervals
from arenacheck.program import Op, Program, Structure
from arenacheck.strict import NONE, Strictness

Implementation = Any  # a module (or object) exporting ListBuilder, EMPTY, IntervalMapBuilder

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()

COMBINES: dict[str, Callable[[Any, Any], Any]] = {
    "left": lambda a, b: a,
    "right": lambda a, b: b,
    "add": operator.add,
    "sub": operator.sub,
    "min": min,
    "max": max,
}


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
    """What a run did: programs, operations, and law checks by law."""

    programs: int = 0
    operations: int = 0
    checks: Counter[str] = field(default_factory=Counter)
    unsupported: int = 0  # programs an external implementation could not run to the end
    unnamed: int = 0  # expected errors an external implementation reported without a known kind

    def add(self, other: Stats) -> None:
        self.programs += other.programs
        self.operations += other.operations
        self.checks.update(other.checks)
        self.unsupported += other.unsupported
        self.unnamed += other.unnamed

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


def error_kind(err: BaseException | None) -> str | None:
    """The error kind the runner compares: the most specific SPEC error class that fits."""
    if err is None:
        return None
    for cls in KINDS:
        if isinstance(err, cls):
            return cls.__name__
    return type(err).__name__


def _describe(err: BaseException | None) -> str:
    return "success" if err is None else f"{type(err).__name__}: {err}"


def _describe_allowed(allowed: Sequence[Exception]) -> str:
    """The model's error, and the other kinds SPEC allows in its place."""
    others = sorted({error_kind(e) or "" for e in allowed[1:]} - {error_kind(allowed[0])})
    return _describe(allowed[0]) + "".join(f" (or {kind})" for kind in others)


def _numbers(text: str) -> Counter[int]:
    """The non-negative integers a message mentions, with their multiplicity."""
    return Counter(int(n) for n in re.findall(r"\d+", text))


def names_handle(message: str, handle: Any) -> bool:
    """Whether an error message names ``handle`` (SPEC §2.2), in any of its usual spellings."""
    return any(form in message for form in (repr(handle), str(handle), json.dumps(handle)))


def attempt(call: Callable[[], Any]) -> tuple[Any, Exception | None]:
    """Run ``call``; return its result and ``None``, or ``None`` and what it raised."""
    try:
        return call(), None
    except Exception as err:
        return None, err


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

    def __init__(self, impl: Implementation, strict: Strictness = NONE) -> None:
        self.impl = impl
        self.strict = strict
        self.raw: Callable[[Any], Any] = getattr(impl, "raw_handle", lambda h: h)
        self.stats = Stats(programs=1)
        self._line = 1  # until the first operation: the header, which makes the builder
        self._op: Op = {"op": "(new builder)"}

    def apply(self, op: Op, line: int) -> None:
        """Apply one operation; raise ``ViolationFound`` on the first broken law."""
        self._line, self._op = line, op
        self.stats.operations += 1
        with self._protocol(), stack_budget():
            getattr(self, "_op_" + op["op"])(op)

    @contextmanager
    def _protocol(self) -> Iterator[None]:
        """An external implementation's broken reply is a violation of this operation."""
        try:
            yield
        except ExternalFailure as failure:
            expected = "one JSON reply line (SPEC §4)"
            self.fail(failure.law, expected, failure.got, failure.detail)

    def finish(self) -> None:
        """End-of-program checks (persistence)."""

    def fail(self, law: str, expected: Any, actual: Any, detail: str = "") -> NoReturn:
        raise ViolationFound(Violation(self._line, self._op, law, expected, actual, detail))

    def check(self, law: str, ok: bool, expected: Any, actual: Any, detail: str = "") -> None:
        self.stats.checks[law] += 1
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
        kinds = {error_kind(e) for e in allowed}
        if isinstance(actual, UnnamedError) and strictness.KNOWN_ERROR_KINDS not in self.strict:
            self.stats.unnamed += 1  # an error was due, and came; what kind, the reply did not say
            matched = allowed if len(kinds) == 1 else []
        else:
            ok = error_kind(actual) in kinds
            self.check(law, ok, _describe_allowed(allowed), _describe(actual), "error kind")
            matched = [e for e in allowed if error_kind(e) == error_kind(actual)]
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
        with self._protocol(), stack_budget():
            self.finish()


@dataclass
class Var:
    """An alist variable: its handle on each side, the contents the model gave it, and the line
    that defined it (for persistence reports)."""

    impl: Any
    model: Any
    items: list[tuple[Any, Any]]
    line: int = 0


class Callback:
    """A program's ``combine`` or ``fn``: records its calls, and may raise or call back in."""

    def __init__(self, name: str, builder: Any, after: int = 0, value: Any = None) -> None:
        self.name, self.builder, self.after, self.value = name, builder, after, value
        self.calls: list[tuple[Any, ...]] = []
        self.reentry: list[Exception | None] = []

    def __call__(self, *args: Any) -> Any:
        self.calls.append(args)
        if self.name == "raise" and len(self.calls) > self.after:
            raise CallbackError(f"callback raised on call {len(self.calls)}, as the program asks")
        if self.name == "reenter":
            self.reentry.append(attempt(lambda: self.builder.insert(None, 0, 0))[1])
        if not args:  # an or_insert_with fn
            return fresh(self.value)
        return COMBINES.get(self.name, COMBINES["left"])(*args)


def bad_handle_call(
    name: str, handle: Any, position: int, builder: Any, reader: Any, empty: Any
) -> Any:
    """The call a ``bad_handle`` operation names, made with ``handle`` (docs/programs.md)."""
    if name in ("intersect", "union"):
        args = (handle, empty) if position == 1 else (empty, handle)
        return getattr(builder, name)(*args)
    if name == "insert":
        return builder.insert(handle, 0, 0)
    if name == "replace":
        return builder.entry(handle, 0).replace(0)
    if name == "insert_with":
        return builder.entry(handle, 0).or_insert_with(lambda: 0)
    if name == "get":
        return reader.get(handle, 0)
    if name == "contains":
        return reader.contains(handle, 0)
    return getattr(reader, name)(handle)


class AlistSession(Session):
    """Checks SPEC §2.1 and §2.2 on one builder of the implementation against the model's."""

    structure: Structure = "alist"

    def __init__(self, impl: Implementation, strict: Strictness = NONE) -> None:
        super().__init__(impl, strict)
        self.model_builder = model_alist.ListBuilder()
        self.impl_builder = self.must(impl.ListBuilder)
        self.model_reader: Any = self.model_builder
        self.impl_reader: Any = self.impl_builder
        self.built = False
        self.vars: list[Var | None] = [Var(impl.EMPTY, None, [], 0)]

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

    def may_overflow(self, a: int, b: int) -> bool:
        """Whether ``add``/``sub`` of the two lists' values could leave [-2**63, 2**63): program
        generators then combine with ``left``, as SPEC §4 asks of generated programs."""
        biggest = [
            max((abs(v) for _, v in self.contents(var) or [] if isinstance(v, int)), default=0)
            for var in (a, b)
        ]
        return sum(biggest) >= 2**62

    def fail(self, law: str, expected: Any, actual: Any, detail: str = "") -> NoReturn:
        """A wrong result may come from a list that changed under it: before reporting contents,
        look for a list that no longer reads as when it was defined, and report that instead
        (law 3). Only on failure: the happy path pays nothing."""
        if law == laws.CONTENTS:
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

    def _cells(self) -> int:
        return int(self.must(lambda: self.impl_reader.cell_count))

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
        builder still answers (law 7: no leftover state refuses the next call)."""
        self.check(law, self._cells() == cells_before, cells_before, self._cells(), "cell_count")
        self.must(lambda: self.impl_reader.length(self.impl.EMPTY), laws.EXCEPTION_SAFETY)
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
        raw = self.raw(actual)
        if expected is None:
            empty = self.raw(self.impl.EMPTY)
            self.check(laws.IDENTITY, raw is empty, f"EMPTY ({empty!r}: no entries)", raw)
            return
        same = [v for v in inputs if v.model == expected]
        if same:
            want = self.raw(same[0].impl)
            self.check(laws.IDENTITY, raw == want, want, raw, "the input")
        else:
            self.check(laws.HANDLES, type(raw) is int, "a plain int handle", raw)

    # Operations.

    def _op_insert(self, op: Op) -> None:
        key = op["key"]
        if "value" in op:
            value = op["value"]
            self._insert(op, lambda side, b, h: b.entry(h, key).or_insert(fresh(value)))
        else:
            self._insert(op, lambda side, b, h: b.insert(h, key))

    def _op_replace(self, op: Op) -> None:
        key, value = op["key"], op["value"]
        self._insert(op, lambda side, b, h: b.entry(h, key).replace(fresh(value)))

    def _op_insert_with(self, op: Op) -> None:
        key, name = op["key"], op.get("fn", "value")
        fns = {
            "model": Callback(name, self.model_builder, value=op["value"]),
            "impl": Callback(name, self.impl_builder, value=op["value"]),
        }

        def call(side: str, b: Any, h: Any) -> Any:
            return b.entry(h, key).or_insert_with(fns[side])

        self._insert(op, call, fns["impl"])
        self._check_callbacks(fns["model"], fns["impl"], self.vars[-1] is not None)

    def _insert(self, op: Op, call: Callable[..., Any], callback: Callback | None = None) -> None:
        src, key = self.var(op["src"]), op["key"]

        def cells(result: list[tuple[Any, Any]]) -> int:
            return model_alist.insert_cells(src.items, key)

        self.vars.append(self._produce([src], call, cells, exact=True, callback=callback))

    def _op_extend(self, op: Op) -> None:
        """``count`` inserts of an arithmetic run of keys. Each side runs the whole loop first
        (cheap, so long runs shrink fast); then every step is compared: where it failed, the
        cells it allocated, and whether it returned its input (a no-op); contents are read once."""
        src = self.var(op["src"])
        keys = range(op["start"], op["start"] + op["count"] * op["step"], op["step"])
        model = _insert_run(self.model_builder, self.model_builder, src.model, keys, op["value"])
        whole = getattr(self.impl_builder, "insert_run", None)  # one protocol line, if it can
        ran = whole(src.impl, keys, op["value"]) if whole else None
        if ran is not None:
            impl = _Run(*ran)
        else:
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

    def _op_intersect(self, op: Op) -> None:
        self._merge(op, "intersect")

    def _op_union(self, op: Op) -> None:
        self._merge(op, "union")

    def _merge(self, op: Op, kind: str) -> None:
        a, b = self.var(op["a"]), self.var(op["b"])
        name = op.get("combine")
        after = op.get("after", 0)
        fns = {
            "model": Callback(name or "left", self.model_builder, after=after),
            "impl": Callback(name or "left", self.impl_builder, after=after),
        }

        def call(side: str, builder: Any, h1: Any, h2: Any) -> Any:
            if name is None:
                return getattr(builder, kind)(h1, h2)  # the set form
            return getattr(builder, kind + "_with")(h1, h2, fns[side])

        def cells(result: list[tuple[Any, Any]]) -> int:
            if kind == "intersect":
                return model_alist.intersect_cells(result)
            return model_alist.union_cells(a.items, b.items, result)

        self.vars.append(self._produce([a, b], call, cells, exact=False, callback=fns["impl"]))
        if name is not None:
            self._check_callbacks(fns["model"], fns["impl"], self.vars[-1] is not None)

    def _check_callbacks(self, model: Callback, impl: Callback, succeeded: bool) -> None:
        """Callbacks ran as the model ran them: the same calls in any order (when the operation
        succeeded: a raise may come at a different call)."""
        if succeeded and getattr(self.impl, "observes_callbacks", True):
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
        prefetch = getattr(self.impl_reader, "prefetch", None)  # one exchange, for a process
        if prefetch is not None:
            prefetch([var.impl for var in self.vars if var is not None])
        for var in self.vars:
            if var is not None:
                for reader in readers:
                    self._read(var, law=laws.PERSISTENCE, reader=reader)


class IntervalSession(Session):
    """Checks SPEC §3.1 and §3.2 on one interval-map builder against the model's."""

    structure: Structure = "intervals"

    def __init__(self, impl: Implementation, strict: Strictness = NONE) -> None:
        super().__init__(impl, strict)
        self.model_builder = model_intervals.IntervalMapBuilder()
        self.impl_builder = self.must(impl.IntervalMapBuilder)
        self.model_map: model_intervals.IntervalMap | None = None
        self.impl_map: Any = None
        self.records: list[tuple[int, int]] = []

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

    def _other_kind(self, errors: list[Exception | None]) -> list[Exception]:
        """A bad record raises ``TypeError`` or ``ValueError`` (SPEC §3.2): where the model chose
        one, the other is allowed too (unless strict: ``record-error-kind``)."""
        if strictness.RECORD_ERROR_KIND in self.strict:
            return []
        swapped = {"TypeError": ValueError, "ValueError": TypeError}
        return [
            swapped[kind](str(err))
            for err in errors
            if err is not None and (kind := error_kind(err) or "") in swapped
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
        """All four reads of one index agree with the model's lookup law."""
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


@dataclass
class _Run:
    """One side of an ``extend``: the handle and cells after each completed step, and the error
    that stopped it, if any."""

    handles: list[Any]
    cells: list[int]
    error: Exception | None


def _insert_run(builder: Any, reader: Any, handle: Any, keys: range, value: Any) -> _Run:
    run = _Run([], [], None)
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


def run_program(program: Program, impl: Implementation, strict: Strictness = NONE) -> Verdict:
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
