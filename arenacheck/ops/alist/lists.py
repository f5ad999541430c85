"""What the list-producing alist operations share: how one is made on a builder and judged
(``ListOperation``), and the ledger's names for where a key lands in a list."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from arenacheck.callbacks import Callback
from arenacheck.model.alist import insert_cells
from arenacheck.ops.base import Done, Operation, Shape
from arenacheck.structures import Op, Structure
from arenacheck.values import comparable

if TYPE_CHECKING:
    from arenacheck.interpreter import ListProgram
    from arenacheck.sessions.alist import AlistSession, Var

#: A list (or a run) this long is long: law 6 is about operations on long lists, and one longer
#: than the runner's stack headroom (250 frames) is enough to exhaust a recursive implementation.
LONG = 300
#: Where an insert, replace or ``insert_with`` lands in its list.
PLACES = ("empty", "above", "inside", "below", "present")

#: The forms engine's lists: one of two entries (variable 2: keys 10 and 20) and another
#: (variable 4: 20 and 30) that shares a key with it; the n-th list-producing line defines
#: variable n.
TWO_LISTS: list[Op] = [
    {"op": "insert", "src": 0, "key": 10, "value": 1},
    {"op": "insert", "src": 1, "key": 20, "value": 2},  # var 2: {10, 20}
    {"op": "insert", "src": 0, "key": 20, "value": 5},
    {"op": "insert", "src": 3, "key": 30, "value": 6},  # var 4: {20, 30}
]
#: Where a key lands in ``{10, 20}``: (the variable, the key); a foreign key is a string.
LANDS = {"empty": (0, 15), "above": (2, 30), "inside": (2, 15), "below": (2, 5), "present": (2, 10)}
FOREIGN = (2, "k")


def _key(entry: tuple[Any, Any]) -> Any:
    return entry[0]


def place(entries: Sequence[tuple[Any, Any]], key: Any) -> str:
    """Where ``key`` lands in a list holding ``entries`` (ascending): ``foreign`` for a key that
    cannot be compared with the list's (SPEC §2.2: the comparison's ``TypeError``)."""
    if not entries:
        return "empty"
    first, last = entries[0][0], entries[-1][0]
    if not comparable(key, first):
        return "foreign"
    at = bisect_left(entries, key, key=_key)
    if at < len(entries) and entries[at][0] == key:
        return "present"
    if key > last:
        return "above"
    return "below" if key < first else "inside"


def stored(entries: Sequence[tuple[Any, Any]], key: Any) -> Any:
    """The value ``entries`` hold for a present ``key``."""
    return entries[bisect_left(entries, key, key=_key)][1]


class AlistOperation(Operation):
    """An operation on alists: its shape counts the variables it defines."""

    structure: ClassVar[Structure] = "alist"

    def effect(self, shape: Shape) -> None:
        if self.defines:
            shape.defined += 1

    def contents(self, session: AlistSession, op: Op, *fields: str) -> list[list[Any]]:
        """The model's contents of the variables ``op`` names in ``fields`` (empty for one that
        does not exist yet or failed): what a form depends on."""
        return [session.contents(op[f]) or [] for f in fields]


class ListOperation(AlistOperation):
    """An operation that makes a list from lists: made on both sides by ``call``, its result
    judged by the session (``AlistSession.produce``): contents, identity, allocation within
    ``cells``, callbacks."""

    defines = True
    reply = "list"
    #: Whether the Rust original allocates exactly ``cells`` (an insert; a merge's is a bound).
    exact: ClassVar[bool] = True

    def inputs(self, op: Op) -> list[int]:
        """The variables ``op`` reads, in call order."""
        raise NotImplementedError

    def callback(self, op: Op, builder: Any, value: Any) -> Callback | None:
        """The callback ``op`` hands to ``builder`` (None: a set form or a plain insert)."""
        return None

    def call(
        self, op: Op, builder: Any, handles: Sequence[Any], fn: Callback | None, value: Any
    ) -> Any:
        """Make ``op`` on ``builder`` with its variables' ``handles``; the result's handle."""
        raise NotImplementedError

    def direct(self, op: Op) -> tuple[str, tuple[Any, ...]] | None:
        """The builder method a plain ``op`` calls and its arguments after the handles (a set
        insert, a set-form merge), for runs that must not pay for a callback; None otherwise."""
        return None

    def cells(self, inputs: Sequence[Var], op: Op, result: list[tuple[Any, Any]]) -> int:
        """Law 5's bound on the cells of a result that is not one of the inputs."""
        raise NotImplementedError

    def check(self, session: AlistSession, op: Op) -> None:
        session.produce(self, op)

    def perform(self, side: ListProgram, op: Op) -> Done:
        return Done(side.define(self, op))

    def answer(self, side: ListProgram, done: Done) -> dict[str, Any]:
        return side.list_reply(done.handle)


class Put(ListOperation):
    """An operation that puts one key into one list (``insert``, ``replace``, ``insert_with``):
    law 5's bound is ``1 + #{k > key}`` cells, met exactly by the Rust original."""

    def inputs(self, op: Op) -> list[int]:
        return [op["src"]]

    def cells(self, inputs: Sequence[Var], op: Op, result: list[tuple[Any, Any]]) -> int:
        return insert_cells(inputs[0].items, op["key"])

    #: The ledger's variants of the operation (``insert``'s set form, ``insert_with``'s fn).
    variants: ClassVar[tuple[str, ...]] = ("",)

    def variant(self, op: Op) -> str:
        return ""

    def places(self) -> tuple[str, ...]:
        return PLACES

    def lands(self, where: str, contents: list[Any], op: Op) -> str:
        """The place the form names (``replace`` tells an equal value apart)."""
        return where

    def forms(self) -> list[str]:
        every = [f"{self.name}:{v}:{p}" if v else f"{self.name}:{p}" for v in self.variants
                 for p in self.places()]  # fmt: skip
        return [*every, f"{self.name}:foreign"]

    def form(self, session: AlistSession, op: Op) -> str:  # type: ignore[override]
        [contents] = self.contents(session, op, "src")
        where = place(contents, op["key"])
        if where == "foreign":
            return f"{self.name}:foreign"
        where, variant = self.lands(where, contents, op), self.variant(op)
        return f"{self.name}:{variant}:{where}" if variant else f"{self.name}:{where}"

    def put(self, form: str, **fields: Any) -> list[Op]:
        """The forms engine's program for ``form``: the two lists, then this operation with the
        key that lands where the form says (``fields``: the rest of the line)."""
        where = form.rsplit(":", 1)[-1]
        src, key = FOREIGN if where == "foreign" else LANDS[where]
        return [*TWO_LISTS, self.line(src=src, key=key, **fields)]
