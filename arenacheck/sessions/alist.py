"""The alist session: the lists a program made, on both sides, and the checks every alist
operation shares (SPEC §2.1 and §2.2) — a list read back in every way, a failed operation that
changed nothing, a list-producing call made on both sides and its result judged.

The operations themselves (``arenacheck.ops.alist``) say which of these each one makes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, NoReturn

from arenacheck import laws
from arenacheck.callbacks import Callback, attempt
from arenacheck.errors import CallbackError, ProgramError
from arenacheck.model import alist as model_alist
from arenacheck.sessions.base import Session, describe
from arenacheck.strict import NONE, Strictness
from arenacheck.structures import Op, Structure
from arenacheck.values import fresh, same_entries, same_value

if TYPE_CHECKING:
    from arenacheck.ops.alist.lists import ListOperation

Entries = list[tuple[Any, Any]]


@dataclass
class Var:
    """An alist variable: its handle on each side, the contents the model gave it, and the line
    that defined it (for persistence reports)."""

    impl: Any
    model: Any
    items: Entries
    line: int = 0


class Lists:
    """One builder on each side, and what reads its lists: the builder, or after ``build()``
    the storage it returned."""

    def __init__(self, session: AlistSession) -> None:
        self.model_builder = model_alist.ListBuilder()
        self.impl_builder = session.new_builder()
        self.model_reader: Any = self.model_builder
        self.impl_reader: Any = self.impl_builder
        self.built = False


class AlistSession(Session):
    """Checks SPEC §2.1 and §2.2 on the implementation's builders against the model's."""

    structure: Structure = "alist"

    def __init__(
        self,
        impl: object,
        strict: Strictness = NONE,
        ops: list[Op] | None = None,
        beside: Any = None,
    ) -> None:
        super().__init__(impl, strict, ops, beside)
        self.lists = Lists(self)  # the builder the operations work on
        self.vars: list[Var | None] = [Var(self.impl.EMPTY, None, [], 0)]

    def builder(self) -> Any:
        return self.lists.impl_builder

    # What the model holds (for the ledger's forms and for generators: read only).

    def contents(self, number: int) -> Entries | None:
        """The model's contents of a variable (None if its operation failed or it does not
        exist)."""
        var = self.vars[number] if number < len(self.vars) else None
        return None if var is None else var.items

    def live(self) -> list[int]:
        """The variables an operation may name: defined by an operation that did not fail."""
        return [i for i, var in enumerate(self.vars) if var is not None]

    @property
    def built(self) -> bool:
        return self.lists.built

    def var(self, number: int) -> Var:
        var = self.vars[number]
        if var is None:
            raise ProgramError(
                self.line, f"variable {number} was defined by an operation that failed"
            )
        return var

    def immutable(self) -> list[Any]:
        return [var.items for var in self.vars if var is not None]

    # Failing: the cause first.

    def fail(self, law: str, expected: Any, actual: Any, detail: str = "") -> NoReturn:
        """A wrong result, or a callback called with a wrong value, may come from a list that
        changed under it: before reporting contents or callbacks, look for a list that no longer
        reads as when it was defined, and report that instead (law 3, the cause). Only on
        failure: the happy path pays nothing."""
        if law in (laws.CONTENTS, laws.CALLBACKS):
            for var in self.vars:
                if var is None or var.line == self.line:
                    continue
                now, err = attempt(partial(self._items_now, var))
                if err is None and not same_entries(now, var.items):
                    where = f"the list defined at line {var.line}, found while checking: {detail}"
                    super().fail(laws.PERSISTENCE, var.items, now, where)
        super().fail(law, expected, actual, detail)

    def _items_now(self, var: Var) -> list[tuple[Any, ...]]:
        return [tuple(p) for p in self.lists.impl_reader.items(var.impl)]

    # Shared checks.

    def cells(self, law: str = laws.UNEXPECTED_ERROR) -> int:
        """The implementation's cell count now (a raise breaks ``law``)."""
        return int(self.must(lambda: self.lists.impl_reader.cell_count, law))

    def open_model(self) -> model_alist.ListBuilder:
        """A model builder holding this one's lists, not finished: to ask what a call refused for
        the finished builder would have raised otherwise (``also_applies``)."""
        shadow = model_alist.ListBuilder()
        shadow._lists = list(self.lists.model_builder._lists)
        shadow.cell_count = self.lists.model_builder.cell_count
        return shadow

    def read(self, var: Var, law: str = laws.CONTENTS, reader: Any = None) -> None:
        """Every read of ``var`` agrees with its contents, in order (law 1, and 2 or 3)."""
        reader = reader or self.lists.impl_reader
        detail = f"the list defined at line {var.line}"
        fails = law if law != laws.CONTENTS else laws.UNEXPECTED_ERROR
        items = self.must(lambda: [tuple(p) for p in reader.items(var.impl)], fails)
        keys = [k for k, _ in items]
        increasing = all(a < b for a, b in itertools.pairwise(keys))
        self.check(laws.ORDER, increasing, "strictly increasing keys", keys, f"{detail}: items")
        same = same_entries(items, var.items)
        self.check(law, same, var.items, items, f"{detail}: items")
        reverse = self.must(lambda: [tuple(p) for p in reader.items_reverse(var.impl)], fails)
        backwards = same_entries(reverse, items[::-1])
        self.check(laws.ORDER, backwards, items[::-1], reverse, "items_reverse")
        got_keys = self.must(lambda: list(reader.keys(var.impl)), fails)
        self.check(law, got_keys == keys, keys, got_keys, f"{detail}: keys")
        length = self.must(lambda: reader.length(var.impl), fails)
        self.check(law, length == len(items), len(items), length, f"{detail}: length")

    def unchanged(self, cells_before: int, inputs: Sequence[Var], law: str) -> None:
        """After a failed operation nothing changed (no cells, no input's contents) and the
        builder still answers (law 7: no leftover state refuses the next call; through the
        protocol the cell count is itself such a read)."""
        self.must(lambda: self.lists.impl_reader.length(self.impl.EMPTY), laws.EXCEPTION_SAFETY)
        cells = self.cells(laws.EXCEPTION_SAFETY)
        self.check(law, cells == cells_before, cells_before, cells, "cell_count")
        for var in inputs:
            self.read(var, law=law)

    def check_handle(self, inputs: Sequence[Var], expected: Any, actual: Any) -> None:
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

    # List-producing operations.

    def produce(self, operation: ListOperation, op: Op) -> None:
        """A list-producing ``op``, made on both sides by ``operation.call``, each side with its
        own callback; values handed over ``fresh``. Defines the next variable (None if it
        failed)."""
        variables = [self.var(v) for v in operation.inputs(op)]
        value = fresh(op.get("value"))
        lists = self.lists
        model_fn = operation.callback(op, lists.model_builder, value)
        impl_fn = operation.callback(op, lists.impl_builder, value)
        model_handles = [v.model for v in variables]

        def on_model(builder: Any) -> Any:
            return operation.call(op, builder, model_handles, model_fn, value)

        before = self.cells()
        expected, model_err = attempt(lambda: on_model(lists.model_builder))
        also = self.also_applies(model_err, lambda: on_model(self.open_model()))
        if model_err is not None:  # rare: then a changed input is this call's doing, not earlier
            with self.counted_as(None):  # not the operation's: the implementation has not run it
                for var in variables:
                    self.read(var, law=laws.PERSISTENCE)
        impl_handles = [v.impl for v in variables]
        actual, impl_err = attempt(
            lambda: operation.call(op, lists.impl_builder, impl_handles, impl_fn, value)
        )
        if impl_fn is not None:
            self._check_reentry(impl_fn)
        self.same_outcome(model_err, impl_err, also)
        if model_err is not None:
            law = laws.EXCEPTION_SAFETY if isinstance(model_err, CallbackError) else laws.BAD_INPUT
            self.unchanged(before, variables, law)
            self.vars.append(None)
        else:
            items = lists.model_builder.items(expected)
            returned_input = any(v.model == expected for v in variables)
            limit = (
                0 if returned_input or expected is None else operation.cells(variables, op, items)
            )
            allocated = self.cells() - before
            self.check_handle(variables, expected, actual)
            self.allocation(allocated, limit, operation.exact)
            var = Var(actual, expected, items, self.line)
            self.read(var)
            self.vars.append(var)
        if model_fn is not None and impl_fn is not None:
            self._check_callbacks(model_fn, impl_fn, self.vars[-1] is not None)

    def _check_callbacks(self, model: Callback, impl: Callback, succeeded: bool) -> None:
        """Callbacks ran as the model ran them: the same calls in any order (when the operation
        succeeded: a raise may come at a different call)."""
        if succeeded and self.impl.observes_callbacks:
            expected = sorted(model.calls, key=repr)
            actual = sorted(impl.calls, key=repr)
            same = same_value(actual, expected)  # (a value's own == may raise: never called)
            self.check(laws.CALLBACKS, same, expected, actual, "callback calls")

    def _check_reentry(self, impl: Callback) -> None:
        """A callback's call back into the builder was refused. Checked before the result: a
        re-entry that got through may also have allocated, but the cause is the re-entry."""
        for err in impl.reentry:
            ok = isinstance(err, RuntimeError)
            self.check(laws.REENTRANCY, ok, "RuntimeError", describe(err), "inner call")

    def refused(
        self,
        call: Callable[[Any, Any, Any], Any],
        inputs: Sequence[Var],
        refusals: tuple[type[Exception], ...],
    ) -> None:
        """A call the model refuses with one of ``refusals`` (a bad handle, say) is refused
        alike, and changes nothing: ``call(builder, reader, empty)`` made on each side. A model
        that does not refuse it so is the harness's own error, never a verdict."""
        lists = self.lists
        before = self.cells()
        model = lists.model_builder, lists.model_reader, model_alist.EMPTY
        _, model_err = attempt(lambda: call(*model))
        if not isinstance(model_err, refusals):
            raise AssertionError(f"the model does not refuse {self.op}: {describe(model_err)}")

        def on_open() -> Any:
            shadow = self.open_model()
            return call(shadow, shadow, model_alist.EMPTY)

        also = self.also_applies(model_err, on_open)
        impl = lists.impl_builder, lists.impl_reader, self.impl.EMPTY
        _, impl_err = attempt(lambda: call(*impl))
        self.same_outcome(model_err, impl_err, also)
        self.unchanged(before, inputs, laws.BAD_INPUT)

    def finish(self) -> None:
        """Persistence: every variable still reads as it did when it was defined."""
        lists = self.lists
        readers = [lists.impl_reader, lists.impl_builder] if lists.built else [lists.impl_reader]
        self.impl.prefetch(lists.impl_reader, [var.impl for var in self.vars if var is not None])
        for var in self.vars:
            if var is not None:
                for reader in readers:
                    self.read(var, law=laws.PERSISTENCE, reader=reader)
