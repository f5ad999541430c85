"""What ``intersect`` and ``union`` share: the combine forms (SPEC §4's six, a raising one and a
re-entrant one, version 2), the set form without one, and their ledger forms."""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from arenacheck.callbacks import COMBINES, Callback
from arenacheck.domains import AFTER, COMBINE, VAR
from arenacheck.ops.alist.lists import LONG, ListOperation
from arenacheck.ops.base import fields
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.sessions.alist import AlistSession

#: Where a raising combine raises: after this many calls (the generators use these).
AFTERS = range(4)
#: Each merge form's callback part: the set form, each combine, re-entrant, raising at each call.
CALLBACKS = ("set", *COMBINES, "reenter", *(f"raise-{n}" for n in AFTERS))
#: Each merge form's size part: plain, an empty input, a list with itself, a long input.
SIZES = ("", ":empty", ":same", ":long")


class Merge(ListOperation):
    """A merge of two lists: ``intersect_with``/``union_with`` with a combine, or the set form
    (``intersect``/``union``) without one."""

    required = fields(a=VAR, b=VAR)
    optional = fields(combine=COMBINE, after=AFTER)
    needs_v2_without = ("combine",)
    only_with = MappingProxyType({"after": ("combine", "raise")})
    exact: ClassVar[bool] = False

    def inputs(self, op: Op) -> list[int]:
        return [op["a"], op["b"]]

    def callback(self, op: Op, builder: Any, value: Any) -> Callback | None:
        if "combine" not in op:
            return None
        return Callback(op["combine"], builder, after=op.get("after", 0))

    def call(
        self, op: Op, builder: Any, handles: Sequence[Any], fn: Callback | None, value: Any
    ) -> Any:
        if fn is None:
            return getattr(builder, self.name)(handles[0], handles[1])
        return getattr(builder, self.name + "_with")(handles[0], handles[1], fn)

    def direct(self, op: Op) -> tuple[str, tuple[Any, ...]] | None:
        return None if "combine" in op else (self.name, ())

    def forms(self) -> list[str]:
        return [f"{self.name}:{c}{s}" for c in CALLBACKS for s in SIZES]

    def form(self, session: AlistSession, op: Op) -> str:  # type: ignore[override]
        contents = self.contents(session, op, "a", "b")
        callback = op.get("combine", "set")
        if callback == "raise":
            callback = f"raise-{op.get('after', 0)}"
        size = ""
        if any(len(c) >= LONG for c in contents):
            size = ":long"
        elif not all(contents):
            size = ":empty"
        elif op["a"] == op["b"]:
            size = ":same"
        return f"{self.name}:{callback}{size}"
