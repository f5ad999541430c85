"""The operation vocabulary: every operation of the program language (SPEC §4), defined once.

An operation names its fields and each field's *domain*, the version that introduced it, whether
it defines an alist variable, and what a protocol reply to it holds. The domains are the
language's value sets — keys, values, variables, the combine forms, the callback forms, the
bad-handle calls — each with the check a program line is validated by. Everything else derives
from this module: the program reader validates by it, the interpreter and the runner make calls
with ``make`` and ``bad_handle_call``, the protocol client shapes replies by it, the fuzz decoder
and encoder read and write its fields by domain, and the stateful rules draw from its domains.
``docs/design.md`` shows how to add an operation.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from arenacheck.errors import CallbackError

Structure = Literal["alist", "intervals"]
STRUCTURES: tuple[Structure, ...] = ("alist", "intervals")
Op = Mapping[str, Any]

INT64 = (-(2**63), 2**63)
#: Integer handles a ``bad_handle`` line may name: negative, or too large for any arena.
HUGE_HANDLE = 2**40


def is_int(value: object) -> bool:
    """A JSON integer (``bool`` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_int64(value: object) -> bool:
    return is_int(value) and INT64[0] <= value < INT64[1]  # type: ignore[operator]


def scalar(value: object) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


# --- Combine and callback forms ------------------------------------------------------------------

#: SPEC §4's combine forms, by name: ``combine(first, second)``. The non-commutative ones are there
#: to catch swapped arguments.
COMBINES: dict[str, Callable[[Any, Any], Any]] = {
    "left": lambda a, b: a,
    "right": lambda a, b: b,
    "add": operator.add,
    "sub": operator.sub,
    "min": min,
    "max": max,
}
#: Callbacks that misbehave on purpose (version 2): ``raise`` after ``after`` calls, ``reenter``
#: calls back into the builder (and then keeps the first value).
FAILING = ("raise", "reenter")
#: ``or_insert_with``'s callback forms: return the line's value, or misbehave.
FNS = ("value", *FAILING)


def attempt(call: Callable[[], Any]) -> tuple[Any, Exception | None]:
    """Run ``call``; return its result and ``None``, or ``None`` and what it raised."""
    try:
        return call(), None
    except Exception as err:
        return None, err


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
            return self.value
        return COMBINES.get(self.name, COMBINES["left"])(*args)


# --- Bad-handle calls ----------------------------------------------------------------------------


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
BAD_HANDLE_CALLS: dict[str, Callable[..., Any]] = {
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
#: The bad-handle calls that mutate (refused by a finished builder as well).
MUTATING_CALLS = frozenset({"insert", "replace", "insert_with", "intersect", "union"})


def bad_handle_call(
    name: str, handle: Any, position: int, builder: Any, reader: Any, empty: Any
) -> Any:
    """The call a ``bad_handle`` operation names, made with ``handle``."""
    return BAD_HANDLE_CALLS[name](builder, reader, empty, handle, position)


# --- Domains: the values a field may hold --------------------------------------------------------

#: A domain's check: None when the value is fine for that program version, else a complaint.
Check = Callable[[object, int], "str | None"]


@dataclass(frozen=True)
class Domain:
    """The values one kind of field holds (by name: the fuzz codecs and the stateful strategies
    are chosen by it), and the check that validates a program line's value."""

    name: str
    check: Check


def _var(value: object, version: int) -> str | None:
    return None if is_int(value) and value >= 0 else "must be a variable number"  # type: ignore[operator]


def _key(value: object, version: int) -> str | None:
    if is_int64(value) or (version >= 2 and isinstance(value, str)):
        return None
    return "must be an int in [-2**63, 2**63)" + (" or a string" if version >= 2 else "")


def _value(value: object, version: int) -> str | None:
    if is_int64(value) or (version >= 2 and value is None):
        return None
    return "must be an int in [-2**63, 2**63)" + (" or null" if version >= 2 else "")


def _int64(value: object, version: int) -> str | None:
    return None if is_int64(value) else "must be an int in [-2**63, 2**63)"


def _step(value: object, version: int) -> str | None:
    return None if is_int64(value) and value != 0 else "must be a non-zero int"


def _count(value: object, version: int) -> str | None:
    return None if is_int(value) and 1 <= value <= 10**6 else "must be an int in [1, 10**6]"  # type: ignore[operator]


def _after(value: object, version: int) -> str | None:
    return None if is_int(value) and value >= 0 else "must be an int >= 0"  # type: ignore[operator]


def _combine(value: object, version: int) -> str | None:
    names = (*COMBINES, *(FAILING if version >= 2 else ()))
    return None if value in names else f"must be one of {', '.join(names)}"


def _fn(value: object, version: int) -> str | None:
    return None if value in FNS else f"must be one of {', '.join(FNS)}"


def _call(value: object, version: int) -> str | None:
    return None if value in BAD_HANDLE_CALLS else f"must be one of {', '.join(BAD_HANDLE_CALLS)}"


def _position(value: object, version: int) -> str | None:
    return None if value in (1, 2) and is_int(value) else "must be 1 or 2"


def _bad_handle(value: object, version: int) -> str | None:
    if value is None:
        return "must not be null (null is EMPTY, a valid handle)"
    if is_int(value) and 0 <= value < HUGE_HANDLE:  # type: ignore[operator]
        return f"an int handle must be negative or >= 2**40 to be surely invalid, not {value}"
    return None if scalar(value) else "must be a JSON scalar"


def _u32(value: object, version: int) -> str | None:
    if is_int(value) and 0 <= value < 2**32:  # type: ignore[operator]
        return None
    if version >= 2 and scalar(value):
        return None  # a bad value on purpose: the model expects TypeError or ValueError
    return "must be an int in [0, 2**32)" + (" (or any JSON scalar)" if version >= 2 else "")


VAR = Domain("var", _var)
KEY = Domain("key", _key)
VALUE = Domain("value", _value)
START = Domain("start", _int64)
STEP = Domain("step", _step)
COUNT = Domain("count", _count)
AFTER = Domain("after", _after)
COMBINE = Domain("combine", _combine)
FN = Domain("fn", _fn)
CALL = Domain("call", _call)
POSITION = Domain("position", _position)
BAD_HANDLE = Domain("bad handle", _bad_handle)
INDEX = Domain("index", _u32)
SCOPE = Domain("scope", _u32)


# --- Operations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One operation: its fields (required, then optional), the version that introduced it
    (and, for fields, the version that allows leaving an optional one out), whether it defines
    the next alist variable, the shape of its protocol reply (``protocol.client.SHAPES``), and,
    for a read, the reader method it calls (``reads``: with its variable's handle, then its other
    fields in order; the reply is ``{"value": ...}``)."""

    name: str
    required: Mapping[str, Domain]
    optional: Mapping[str, Domain] = field(default_factory=dict)
    version: int = 1
    defines: bool = False
    reply: str = "none"
    #: Optional fields that need a version-2 header to be left out.
    needs_v2_without: tuple[str, ...] = ()
    #: Optional fields allowed only with another field's value: {field: (other, value)}.
    only_with: Mapping[str, tuple[str, Any]] = field(default_factory=dict)
    reads: str | None = None

    @property
    def fields(self) -> dict[str, Domain]:
        return {**self.required, **self.optional}


ALIST: dict[str, Operation] = {
    op.name: op
    for op in [
        Operation(
            "insert", {"src": VAR, "key": KEY}, {"value": VALUE},
            defines=True, reply="list", needs_v2_without=("value",),
        ),
        Operation("replace", {"src": VAR, "key": KEY, "value": VALUE}, defines=True, reply="list"),
        Operation(
            "intersect", {"a": VAR, "b": VAR}, {"combine": COMBINE, "after": AFTER},
            defines=True, reply="list", needs_v2_without=("combine",),
            only_with={"after": ("combine", "raise")},
        ),
        Operation(
            "union", {"a": VAR, "b": VAR}, {"combine": COMBINE, "after": AFTER},
            defines=True, reply="list", needs_v2_without=("combine",),
            only_with={"after": ("combine", "raise")},
        ),
        Operation("items", {"var": VAR}, reply="list"),
        Operation(
            "insert_with", {"src": VAR, "key": KEY, "value": VALUE}, {"fn": FN},
            version=2, defines=True, reply="list",
        ),
        Operation(
            "extend",
            {"src": VAR, "start": START, "step": STEP, "count": COUNT, "value": VALUE},
            version=2, defines=True, reply="extend",
        ),
        Operation("get", {"var": VAR, "key": KEY}, version=2, reply="get"),
        Operation(
            "bad_handle", {"call": CALL, "handle": BAD_HANDLE}, {"position": POSITION},
            version=2,
        ),
        Operation("build", {}, version=2),
    ]
}  # fmt: skip

INTERVALS: dict[str, Operation] = {
    op.name: op
    for op in [
        Operation("record", {"index": INDEX, "scope": SCOPE}),
        Operation("build", {}),
        Operation("lookup", {"index": INDEX}, reply="lookup"),
        Operation("intervals", {}, reply="intervals"),
    ]
}

OPERATIONS: dict[Structure, dict[str, Operation]] = {"alist": ALIST, "intervals": INTERVALS}
#: Operations whose success defines the next alist variable (the n-th defines variable n).
DEFINING = frozenset(name for name, op in ALIST.items() if op.defines)
#: The fields that name an alist variable.
VARIABLES = tuple(sorted({f for op in ALIST.values() for f, d in op.fields.items() if d is VAR}))


# --- Making an operation on a builder ------------------------------------------------------------


#: How a list-producing call is made: ``(builder, h1, h2, callback, value) -> handle``, ``h1`` and
#: ``h2`` its variables' handles in field order (``h2`` unused by an insert).
Call = Callable[[Any, Any, Any, "Callback | None", Any], Any]


def direct(op: Op) -> tuple[str, tuple[Any, ...]] | None:
    """The builder method a plain list-producing ``op`` calls, and its arguments after the
    handles: a set insert (``insert``, its key) or a set-form merge; None for the others."""
    name = op["op"]
    if name in ("intersect", "union") and "combine" not in op:
        return name, ()
    if name == "insert" and "value" not in op:
        return name, (op["key"],)
    return None


def call_of(op: Op) -> Call:
    """The call a list-producing ``op`` (not ``extend``) makes on a builder, decided once for the
    operation's shape: the callback is its ``combine`` or ``fn`` (``None``: the set form),
    ``value`` the value to hand over."""
    name, key = op["op"], op.get("key")
    plain = direct(op)
    if plain is not None:
        method, extra = plain
        if name == "insert":
            return lambda b, h1, h2, fn, v: getattr(b, method)(h1, *extra)
        return lambda b, h1, h2, fn, v: getattr(b, method)(h1, h2)
    if name in ("intersect", "union"):
        return lambda b, h1, h2, fn, v: getattr(b, name + "_with")(h1, h2, fn)
    if name == "insert_with":
        return lambda b, h1, h2, fn, v: b.entry(h1, key).or_insert_with(fn)
    if name == "replace":
        return lambda b, h1, h2, fn, v: b.entry(h1, key).replace(v)
    return lambda b, h1, h2, fn, v: b.entry(h1, key).or_insert(v)


def make(
    op: Op, builder: Any, handles: Sequence[Any], callback: Callback | None, value: Any
) -> Any:
    """Make the list-producing call ``op`` on ``builder``; the result's handle."""
    return call_of(op)(builder, handles[0], handles[-1], callback, value)


def callback_for(op: Op, builder: Any, value: Any = None) -> Callback | None:
    """The callback ``op`` hands to ``builder`` (``None`` for a set form or a plain insert)."""
    if op["op"] == "insert_with":
        return Callback(op.get("fn", "value"), builder, value=value)
    if op["op"] in ("intersect", "union") and "combine" in op:
        return Callback(op["combine"], builder, after=op.get("after", 0))
    return None


def feature(op: Op) -> str:
    """What kind of operation ``op`` is, as far as an implementation may not support it: its name,
    the types of its key, value, index and scope, and its callbacks (not its numbers)."""
    types = [type(op[name]).__name__ for name in ("key", "value", "index", "scope") if name in op]
    callbacks = [f"{name}={op[name]}" for name in ("combine", "fn") if name in op]
    return " ".join([op["op"], *types, *callbacks])


def inputs(op: Op) -> list[int]:
    """The variables a list-producing ``op`` reads, in call order."""
    return [op[f] for f in ("src", "a", "b") if f in op]


def run_keys(op: Op) -> range:
    """The keys of an ``extend`` line, in order."""
    return range(op["start"], op["start"] + op["count"] * op["step"], op["step"])
