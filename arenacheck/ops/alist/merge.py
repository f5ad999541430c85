"""What ``intersect`` and ``union`` share: the combine forms (SPEC §4's six, a raising one and a
re-entrant one, version 2), the set form without one, and their ledger forms."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from arenacheck.callbacks import COMBINES, FAILING, Callback
from arenacheck.domains import AFTER, COMBINE, VAR
from arenacheck.ops.alist.lists import LONG, TWO_LISTS, ListOperation
from arenacheck.ops.base import Small, fields
from arenacheck.ops.draw import Aim, Draw, live, may_overflow, value
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.ops.draw import Move
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
    weight = 24
    proved = "in alist_program: merges of earlier lists, each combine"

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

    def remote(self, method: str, wire: Any, args: Sequence[Any]) -> dict[str, Any]:
        """``intersect(h1, h2)``, or ``intersect_with(h1, h2, combine)``: a program's combine
        crosses as its name (and where it raises)."""
        from arenacheck.ops.alist.insert_with import callback_name

        line = self.line(a=wire(args[0]), b=wire(args[1]))
        if len(args) > 2:
            line["combine"] = callback_name(args[2])
            if line["combine"] == "raise":
                line["after"] = args[2].after
        return line

    def alphabet(self, small: Small) -> list[Op]:
        forms: list[dict[str, Any]] = [{}]
        if small.full:
            forms += [{"combine": c} for c in COMBINES]
            forms += [{"combine": "reenter"}]
            forms += [{"combine": "raise", "after": n} for n in small.afters]
        live = small.session.live()
        return [self.line(a=a, b=b, **form) for a in live for b in live for form in forms]

    def witness(self, form: str) -> list[Op]:
        _, callback, *size = form.split(":")
        lines: list[Op] = list(TWO_LISTS)
        a, b = 2, 4
        if size == ["empty"]:
            b = 0
        elif size == ["same"]:
            b = 2
        elif size == ["long"]:
            from arenacheck.ops.alist.extend import OPERATION as EXTEND

            lines.append(EXTEND.line(src=0, start=0, step=1, count=LONG, value=1))  # var 5
            a = 5  # 0 .. LONG - 1, holding 10 and 20 too
        line = self.line(a=a, b=b)
        if callback.startswith("raise-"):
            line |= {"combine": "raise", "after": int(callback.split("-")[1])}
        elif callback != "set":
            line["combine"] = callback
        return [*lines, line]

    def drawn(self, a: int, b: int, draw: Draw, aim: Aim) -> dict[str, Any]:
        """A merge of ``a`` and ``b`` in any of its forms: set, six combines, raising,
        re-entrant (``add``/``sub`` become ``left`` where a result could leave 64 bits)."""
        combine = draw.choice([None, *COMBINES, *FAILING], "combine")
        if combine in ("add", "sub") and may_overflow(aim.session, a, b):
            combine = "left"  # programs keep combined values inside [-2**63, 2**63)
        line = self.line(a=a, b=b)
        if combine is not None:
            line["combine"] = combine
        if combine == "raise":
            line["after"] = draw.integer(0, 3, "after")
        return line

    def moves(self) -> dict[str, Move]:
        def merge(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            yield self.drawn(live(draw, aim, "a"), live(draw, aim, "b"), draw, aim)

        def itself(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            """A list merged with itself: every key common, each value against itself (the
            bundled set forms return the list at once; the ``_with`` forms must still call
            ``combine``)."""
            a = live(draw, aim, "a")
            yield self.drawn(a, a, draw, aim)

        def variant(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            """A list merged with a variant of itself, one value replaced: two branches of a
            flow that changed one binding. Common keys then disagree on a value, which only the
            forms that choose between values (the set forms keep the first) can get wrong."""
            from arenacheck.ops.alist.replace import OPERATION as REPLACE

            a = live(draw, aim, "a")
            present = [k for k, _ in aim.session.contents(a) or []]
            if not present:
                return
            key = draw.choice(present, "key")
            other = yield REPLACE.line(src=a, key=key, value=value(draw, aim))
            if other is None:
                return
            first = draw.boolean("first")
            yield self.drawn(a if first else other, other if first else a, draw, aim)

        return {
            f"{self.name}": merge,
            f"{self.name}_itself": itself,
            f"{self.name}_variant": variant,
        }

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
