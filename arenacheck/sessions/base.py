"""What every session shares: law checks counted by law and by the ledger's form, the comparison
of an operation's outcome with the model's, and the stack budget of law 6.

A session applies operations to an implementation and to the model in lockstep and checks every
law each operation can break. It is the only place laws are checked; *which* checks an operation
makes is the operation's own (``arenacheck.ops``), in terms of the helpers here and in the
structure's session (``sessions.alist``, ``sessions.intervals``). The first broken law raises
``ViolationFound`` naming the program line, the law, and expected against actual.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

from arenacheck import laws, values
from arenacheck import strict as strictness
from arenacheck.callbacks import attempt
from arenacheck.errors import (
    BuilderFinished,
    CallbackError,
    InvalidHandle,
    ProtocolFailure,
    UnnamedError,
    Unsupported,
    error_kind,
)
from arenacheck.implementation import BUILDERS, Implementation, adapt
from arenacheck.program import Program
from arenacheck.strict import NONE, Strictness
from arenacheck.structures import Op, Structure
from arenacheck.verdicts import Stats, Violation, ViolationFound

if TYPE_CHECKING:
    from arenacheck.ops.base import Operation


def kind(err: BaseException | None) -> str | None:
    """The error kind the runner compares (None for no error)."""
    return None if err is None else error_kind(err)


def describe(err: BaseException | None) -> str:
    return "success" if err is None else f"{type(err).__name__}: {err}"


def _describe_allowed(allowed: Sequence[Exception]) -> str:
    """The model's error, and the other kinds SPEC allows in its place."""
    others = sorted({kind(e) or "" for e in allowed[1:]} - {kind(allowed[0])})
    return describe(allowed[0]) + "".join(f" (or {kind})" for kind in others)


def numbers(text: str) -> Counter[int]:
    """The non-negative integers a message mentions, with their multiplicity."""
    return Counter(int(n) for n in re.findall(r"\d+", text))


def names_handle(message: str, handle: Any) -> bool:
    """Whether an error message names ``handle`` (SPEC §2.2), in any of its usual spellings."""
    return any(form in message for form in (repr(handle), str(handle), json.dumps(handle)))


def kinds(op: Op) -> str:
    """What an operation holds besides ints within 64 bits and ``None``, as a cut-short form
    names it (``+key=str``, ``+value=float:nan``: the kinds of ``arenacheck.values``): an
    implementation that cannot store a kind of key or value answers it unsupported, and a user
    accepts exactly that (``--allow-unsupported '*+key=str'``)."""
    named = []
    for field, kind_of in (("key", values.key_kind), ("value", values.value_kind)):
        if field in op and (kind := kind_of(op[field]) or "other") not in ("int", "none"):
            named.append(f"{field}={kind}")
    named += [
        f"{field}={type(op[field]).__name__}"
        for field in ("index", "scope")
        if field in op and type(op[field]) is not int and op[field] is not None
    ]
    return "".join(f"+{kind}" for kind in named)


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


class Session:
    """Applies operations to an implementation and the model in lockstep, checking laws."""

    structure: Structure
    #: The end-of-program checks' form in the ledger.
    END_FORM = "end"  # ledger.ENDS

    #: Whether sessions keep the ledger (``bench/ledger.py`` measures what it costs).
    keeps_ledger = True

    def __init__(
        self,
        impl: object,
        strict: Strictness = NONE,
        ops: list[Op] | None = None,
        beside: Any = None,
    ) -> None:
        from arenacheck.ops import operations

        self.impl: Implementation = adapt(impl, (self.structure,))
        self.strict = strict
        self.operations: dict[str, Operation] = operations(self.structure)
        self.stats = Stats(programs=1)
        #: The operations so far: the drive loop's list, grown by it (for the ledger's first
        #: programs).
        self.ops: list[Op] = ops if ops is not None else []
        self.stats.program = Program(self.structure, self.ops)
        self.line = 1  # until the first operation: the header, which makes the builder
        self.op: Op = {"op": "(new builder)"}
        #: The ledger's form of the operation being checked (a new builder; None: checks that
        #: count by law alone).
        self.form: str | None = "new"
        self.cut_form: str | None = None  # the form an implementation answered unsupported
        #: The sessions of the builders the program opened before this one's (version 3), and
        #: the implementation's builder of its first: this one's is made beside it.
        self.neighbours: list[Session] = []
        self.beside = beside
        self._counted: Counter[str] = Counter()  # checks by law, not yet in the ledger

    def apply(self, op: Op, line: int) -> None:
        """Apply one operation; raise ``ViolationFound`` on the first broken law."""
        self.line, self.op = line, op
        self.stats.operations += 1
        operation = self.operations[op["op"]]
        if self.keeps_ledger:
            self.form = operation.form(self, op)
        try:
            with self._protocol(), stack_budget():
                operation.check(self, op)
            self._counted[laws.NO_RECURSION] += 1  # it ran within the stack budget: law 6
            if self.keeps_ledger and operation.classified:
                self.stats.reached.update(operation.reached(op))
        except Unsupported:
            self._cut(operation.form(self, op) if not self.keeps_ledger else self.form)
            raise
        finally:
            self.fold()

    def end(self, line: int) -> None:
        """Run the end-of-program checks, reported against the program's last line."""
        self.line, self.op = line, {"op": "(end of program)"}
        self.form = self.END_FORM
        try:
            with self._protocol(), stack_budget():
                self.finish()
        except Unsupported:
            self._cut(self.END_FORM)
            raise
        finally:
            self.fold()

    def _cut(self, form: str | None) -> None:
        """The implementation answered the operation unsupported: the program stops here. The
        checks counted so far count by law (the reads of its inputs), none under its form:
        the implementation did not run it."""
        named = (form or self.op["op"]) + kinds(self.op)
        self.stats.unsupported += 1
        self.stats.cut[named] += 1
        self.cut_form, self.form = named, None

    def finish(self) -> None:
        """End-of-program checks (persistence)."""

    def builder(self) -> Any:
        """The implementation's builder this session checks."""
        raise NotImplementedError

    def new_builder(self) -> Any:
        """The implementation's builder for this session: a new one, or, for a builder a
        program opens (version 3), one beside its first (``Implementation.beside``: through
        the protocol, in the same child)."""
        if self.beside is None:
            return self.must(getattr(self.impl, BUILDERS[self.structure]))
        return self.must(lambda: self.impl.beside(self.structure, self.beside))

    def cut_at(self, op: Op, line: int) -> None:
        """``op``, at ``line``, was answered unsupported before any session could apply it
        (the implementation cannot open another builder): counted as cut short at its form."""
        self.line, self.op = line, op
        self._cut(self.operations[op["op"]].form(self, op))

    def recheck_neighbours(self) -> None:
        """Opening this builder changed nothing the others hold (SPEC §2.2: builders share
        nothing but what cannot be told apart): each one's end-of-program reads, again,
        counted under this line and its form."""
        for other in self.neighbours:
            other.line, other.op, other.form = self.line, self.op, self.form
            try:
                other.finish()
            finally:
                other.fold()

    # The ledger.

    def fold(self) -> None:
        """Move the checks counted since the last fold into the stats: by law, and in the ledger
        by (law, form), noting the line an entry was first reached at. Done when the form
        changes, not at every check: a check is one counter, as before there was a ledger."""
        counted = self._counted
        if not counted:
            return
        checks = self.stats.checks
        if self.keeps_ledger and self.form is not None:
            entries, lines, form = self.stats.entries, self.stats.lines, self.form
            for law, n in counted.items():
                checks[law] += n
                entry = (law, form)
                if entry in entries:
                    entries[entry] += n
                else:
                    entries[entry] = n
                    lines[entry] = self.line
        else:
            for law, n in counted.items():
                checks[law] += n
        counted.clear()

    @contextmanager
    def counted_as(self, form: str | None) -> Iterator[None]:
        """Count the checks of the block under ``form`` (None: by law alone)."""
        if not self.keeps_ledger:
            yield
            return
        self.fold()
        outer, self.form = self.form, form
        try:
            yield
        finally:
            self.fold()
            self.form = outer

    # Checks.

    @contextmanager
    def _protocol(self) -> Iterator[None]:
        """An external implementation's broken reply is a violation of this operation."""
        try:
            yield
        except ProtocolFailure as failure:
            expected = "one JSON reply line (SPEC §4)"
            self.fail(failure.law, expected, failure.got, failure.detail)

    def fail(self, law: str, expected: Any, actual: Any, detail: str = "") -> NoReturn:
        self.fold()
        raise ViolationFound(Violation(self.line, self.op, law, expected, actual, detail))

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
            self.check(law, False, describe(expected), describe(actual), "error kind")
            return
        allowed = [expected, *also]
        kinds = {kind(e) for e in allowed}
        if isinstance(actual, UnnamedError) and strictness.KNOWN_ERROR_KINDS not in self.strict:
            self.stats.unnamed += 1  # an error was due, and came; what kind, the reply did not say
            matched = allowed if len(kinds) == 1 else []
        else:
            ok = kind(actual) in kinds
            self.check(law, ok, _describe_allowed(allowed), describe(actual), "error kind")
            matched = [e for e in allowed if kind(e) == kind(actual)]
        if matched:
            ok = self.names(matched[0], str(actual))
            detail = "what it names"
            self.check(law, ok, _describe_allowed(matched), describe(actual), detail)

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
                describe(err),
            )
        return value

    # Snapshots.

    def fork(self) -> Session:
        """A copy of this session to go on from (the exhaust engine's shared prefixes): its own
        builders and bookkeeping; the implementation, and what never changes once made (the
        operations, the model's contents), shared; the checks counted afresh."""
        import copy

        memo: dict[int, Any] = {
            id(self.impl): self.impl,
            id(self.stats): Stats(),
            id(self.operations): self.operations,
            id(self.neighbours): [],  # (the drive loop links the copies: ``Drive.fork``)
        }
        memo.update((id(value), value) for value in [*self.ops, self.op, *self.immutable()])
        copied = copy.deepcopy(self, memo)
        copied.stats.program = Program(copied.structure, copied.ops)
        return copied

    def immutable(self) -> list[Any]:
        """What a fork may share with this session: values never changed once made."""
        return []
