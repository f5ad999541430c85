"""``bad_handle`` (version 2): one call made with a handle no arena has — negative, too large,
or not an int (``True`` is not a handle) — which must raise ``InvalidHandle`` naming it and
change nothing (SPEC §2.2)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any

from arenacheck.domains import HUGE_HANDLE, Domain, is_int, scalar
from arenacheck.errors import BuilderFinished, InvalidHandle
from arenacheck.ops.alist.lists import TWO_LISTS, AlistOperation
from arenacheck.ops.base import Done, Small, fields
from arenacheck.ops.draw import BAD_SCALARS, Aim, Draw
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.interpreter import ListProgram
    from arenacheck.ops.draw import Move
    from arenacheck.sessions.alist import AlistSession


def _merge_call(name: str) -> Callable[..., Any]:
    def call(builder: Any, reader: Any, empty: Any, handle: Any, position: int) -> Any:
        args = (handle, empty) if position == 1 else (empty, handle)
        return getattr(builder, name)(*args)

    return call


def _read_call(name: str, *rest: Any) -> Callable[..., Any]:
    def call(builder: Any, reader: Any, empty: Any, handle: Any, position: int) -> Any:
        return getattr(reader, name)(handle, *rest)

    return call


#: The calls a ``bad_handle`` line may name, and how each is made with the bad handle (the merges
#: take it at ``position`` 1 or 2, ``EMPTY`` at the other; keys and values are 0).
CALLS: dict[str, Callable[..., Any]] = {
    "insert": lambda b, r, e, h, p: b.insert(h, 0, 0),
    "replace": lambda b, r, e, h, p: b.entry(h, 0).replace(0),
    "insert_with": lambda b, r, e, h, p: b.entry(h, 0).or_insert_with(lambda: 0),
    "intersect": _merge_call("intersect"),
    "union": _merge_call("union"),
    "items": _read_call("items"),
    "keys": _read_call("keys"),
    "items_reverse": _read_call("items_reverse"),
    "get": _read_call("get", 0),
    "contains": _read_call("contains", 0),
    "length": _read_call("length"),
}
#: The calls that take a second handle: the bad one may be either.
TWO_HANDLES = ("intersect", "union")


def _call(value: object, version: int) -> str | None:
    return None if value in CALLS else f"must be one of {', '.join(CALLS)}"


def _position(value: object, version: int) -> str | None:
    return None if value in (1, 2) and is_int(value) else "must be 1 or 2"


def _bad_handle(value: object, version: int) -> str | None:
    if value is None:
        return "must not be null (null is EMPTY, a valid handle)"
    if is_int(value) and 0 <= value < HUGE_HANDLE:  # type: ignore[operator]
        return f"an int handle must be negative or >= 2**40 to be surely invalid, not {value}"
    return None if scalar(value) else "must be a JSON scalar"


CALL = Domain("call", _call)
POSITION = Domain("position", _position)
BAD_HANDLE = Domain("bad handle", _bad_handle)


def bad_handle_call(op: Op) -> Callable[[Any, Any, Any], Any]:
    """The call ``op`` names, made with its bad handle: ``(builder, reader, empty) -> result``."""
    call, handle, position = CALLS[op["call"]], op["handle"], op.get("position", 1)
    return lambda builder, reader, empty: call(builder, reader, empty, handle, position)


class BadHandle(AlistOperation):
    name = "bad_handle"
    required = fields(call=CALL, handle=BAD_HANDLE)
    optional = fields(position=POSITION)
    version = 2
    #: The protocol client's call for a handle that is not one of its lists.
    calls = ("(bad handle)",)
    weight = 20

    def check(self, session: AlistSession, op: Op) -> None:
        session.refused(bad_handle_call(op), [], (InvalidHandle, BuilderFinished))

    def perform(self, side: ListProgram, op: Op) -> Done:
        bad_handle_call(op)(side.builder, side.reader, side.empty)
        return Done()

    def remote(self, method: str, wire: Any, args: Sequence[Any]) -> dict[str, Any]:
        """``(bad handle)(call, handle, position)``: the call the runner made with a handle
        the client does not know, sent as it is."""
        call, handle, position = args
        line = self.line(call=call, handle=handle)
        if call in TWO_HANDLES:
            line["position"] = position
        return line

    def alphabet(self, small: Small) -> list[Op]:
        if not small.full:
            return []
        lines: list[Op] = []
        for call in CALLS:
            for handle in small.bad_handles:
                lines.append(self.line(call=call, handle=handle))
                if call in TWO_HANDLES:
                    lines.append(self.line(call=call, handle=handle, position=2))
        return lines

    def witness(self, form: str) -> list[Op]:
        parts = form.split(":")
        line = self.line(call=parts[1], handle=-1)
        if len(parts) == 3:
            line["position"] = 2
        return [*TWO_LISTS, line]

    def moves(self) -> dict[str, Move]:
        def bad_handle(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            call = draw.choice(list(CALLS), "call")
            handle = draw.choice([h for h in BAD_SCALARS if h is not None], "handle")
            position = draw.choice([1, 2], "position")
            line = self.line(call=call, handle=handle)
            if call in TWO_HANDLES:
                line["position"] = position
            yield line

        return {"bad_handle": bad_handle}

    def forms(self) -> list[str]:
        return [f"bad_handle:{call}" for call in CALLS] + [
            f"bad_handle:{call}:2" for call in TWO_HANDLES
        ]

    def form(self, session: AlistSession, op: Op) -> str:  # type: ignore[override]
        call = op["call"]
        second = call in TWO_HANDLES and op.get("position", 1) == 2
        return f"bad_handle:{call}{':2' if second else ''}"


OPERATION = BadHandle()
