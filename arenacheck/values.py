"""Keys and values of every kind SPEC §2 lets a user store: the closed list of kinds, their
lossless JSON encoding (version-4 programs and the protocol), and how a value read back is held
to the model's (SPEC §2, "Equality of keys and values").

The encoding is JSON where JSON is lossless — ints of any size, strings, ``null``, ``true`` and
``false``, finite floats (a number with a fraction or an exponent: ``1.0``, ``-0.0``) — and a
one-field object otherwise: ``{"float": "nan"|"inf"|"-inf"}``, ``{"tuple": [...]}``,
``{"list": [...]}``, ``{"dict": [[k, v], ...]}`` and ``{"object": NAME, "of": X}`` for the
classes of ``OBJECTS``. A bare JSON array is no value (a tuple and a list would be one), so it
is refused, as is any other object.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

from arenacheck.errors import CallbackError


class Box:
    """A value with its own ``__eq__``, equal to another box of an equal payload (hashable):
    equal values that are not identical, whatever the payload."""

    __slots__ = ("of",)

    def __init__(self, of: Any) -> None:
        self.of = of

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.of == other.of

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.of))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.of!r})"


class Unhashable(Box):
    """A box that cannot be hashed: an implementation that interns values by hash fails on it."""

    __hash__ = None  # type: ignore[assignment]


class Touchy(Box):
    """A box whose ``==`` raises (``CallbackError``): ``replace``'s comparison of values raising,
    which SPEC §2.1 law 7 covers like a raising ``combine``."""

    __hash__ = Box.__hash__

    def __eq__(self, other: object) -> bool:
        raise CallbackError("a value's == raised, as the program asks")


#: The classes with their own ``__eq__`` a program may hold, by the name the encoding uses.
OBJECTS: dict[str, type[Box]] = {cls.__name__: cls for cls in (Box, Unhashable, Touchy)}

INT64 = (-(2**63), 2**63)


def value_kind(value: object) -> str | None:
    """The kind of ``value`` (the ledger's class of a value field), or None for a value of no
    kind here (which no program holds)."""
    if value is None:
        return "none"
    if type(value) is bool:
        return "bool"
    if type(value) is int:
        return "int" if INT64[0] <= value < INT64[1] else "int:big"
    if type(value) is float:
        if math.isnan(value):
            return "float:nan"
        return "float" if math.isfinite(value) else "float:inf"
    if type(value) is str:
        return "str"
    if type(value) in (tuple, list):
        inner: Any = value
        return type(value).__name__ if all(value_kind(x) is not None for x in inner) else None
    if type(value) is dict:
        pairs = value.items()
        return "dict" if all(value_kind(k) and value_kind(v) for k, v in pairs) else None
    if type(value) in OBJECTS.values():
        return "object" if value_kind(value.of) is not None else None  # type: ignore[attr-defined]
    return None


def key_kind(key: object) -> str | None:
    """The kind of ``key``, or None for no key: a key is an int (any size), a bool, a float
    (never NaN: it has no order), a string, or a tuple of keys (SPEC §2)."""
    if type(key) is int:  # (the common case first: the ledger classifies every key)
        return "int" if INT64[0] <= key < INT64[1] else "int:big"
    if type(key) is float and math.isnan(key):
        return None
    if type(key) is tuple:
        return "tuple" if all(key_kind(k) is not None for k in key) else None
    kind = value_kind(key)
    return kind if kind in ("int", "int:big", "bool", "float", "float:inf", "str") else None


#: Every kind, in the order the ledger lists them.
VALUE_KINDS = (
    "int", "int:big", "bool", "none", "float", "float:nan", "float:inf",
    "str", "tuple", "list", "dict", "object",
)  # fmt: skip
KEY_KINDS = ("int", "int:big", "bool", "float", "float:inf", "str", "tuple")

#: A sample of each kind: what the forms engine's program for that class of a field holds
#: (``Operation.class_witness``). A subclass of a kind (an ``IntEnum``, say) is of no kind: the
#: encoding could not say which class it was.
VALUE_SAMPLES: dict[str, Any] = {
    "int": 7,
    "int:big": 2**70,
    "bool": True,
    "none": None,
    "float": 1.0,
    "float:nan": math.nan,
    "float:inf": -math.inf,
    "str": "seven",
    "tuple": (1, ("a", 2.5)),
    "list": [1, [2]],
    "dict": {"a": [1]},
    "object": Box(7),
}
KEY_SAMPLES: dict[str, Any] = {
    "int": 15,
    "int:big": 2**70,
    "bool": True,
    "float": 15.5,
    "float:inf": math.inf,
    "str": "m",
    "tuple": (15, "m"),
}


# --- Comparing ---------------------------------------------------------------------------------


def comparable(key: Any, other: Any) -> bool:
    """Whether ``key`` can be ordered against a list's key ``other`` (one total order per list:
    SPEC §2)."""
    try:
        key < other  # noqa: B015 (only whether it raises)
    except TypeError:
        return False
    return True


def same_value(actual: object, expected: object) -> bool:
    """SPEC §2: ``actual`` is ``==`` to and of the same type as ``expected`` — containers element
    by element, a NaN matching a NaN, a box by its payload (never by calling its ``==``, which
    may raise: ``Touchy``)."""
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, float):
        return actual == expected or (math.isnan(expected) and math.isnan(actual))  # type: ignore[arg-type]
    if isinstance(expected, tuple | list):
        return len(actual) == len(expected) and all(  # type: ignore[arg-type]
            same_value(a, e)
            for a, e in zip(actual, expected, strict=True)  # type: ignore[call-overload]
        )
    if isinstance(expected, dict):
        assert isinstance(actual, dict)
        return len(actual) == len(expected) and all(
            k in actual and same_value(actual[k], v) for k, v in expected.items()
        )
    if isinstance(expected, Box):
        return same_value(actual.of, expected.of)  # type: ignore[attr-defined]
    return actual == expected


def same_entries(actual: list[Any], expected: list[Any]) -> bool:
    """A list read back holds the model's entries: keys ``==`` (which of two equal keys a list
    holds is the implementation's choice), values by ``same_value``. The common case — equal
    lists of scalar values of the same types — is decided without a Python call per entry."""
    if len(actual) != len(expected):
        return False
    try:
        if actual == expected:
            if not actual:
                return True
            types = list(map(type, map(_value_of, actual)))
            if _DEEP.isdisjoint(types) and types == list(map(type, map(_value_of, expected))):
                return True
    except Exception:  # a value's own == raised: compared by payload below
        pass
    return all(
        len(a) == 2 and a[0] == e[0] and same_value(a[1], e[1])
        for a, e in zip(actual, expected, strict=True)
    )


_value_of = operator.itemgetter(1)
#: The types whose values ``same_value`` compares element by element or by payload.
_DEEP = frozenset({tuple, list, dict, *OBJECTS.values()})


def fresh(value: Any) -> Any:
    """A value ``same_value`` to ``value`` that shares no object with it where Python lets it
    (ints above 256, floats, strings of two characters or more, containers, boxes): so ``is``
    cannot pass for ``==``, and an implementation that keeps the caller's object is not
    told apart from one that copies."""
    kind = type(value)
    if kind is int:
        return int(str(value))
    if kind is float:
        return float(repr(value))
    if kind is str:
        return "".join(list(value))
    if kind in (tuple, list):
        return kind(fresh(x) for x in value)
    if kind is dict:
        return {fresh(k): fresh(v) for k, v in value.items()}
    if kind in OBJECTS.values():
        return kind(fresh(value.of))
    return value


# --- The encoding ------------------------------------------------------------------------------


#: The types JSON holds as they are (floats are not among them: a NaN is not JSON).
_JSON = frozenset({int, str, bool, type(None)})


def encode(value: Any) -> Any:
    """``value`` as JSON data (lossless: ``decode`` gives back a ``same_value`` one)."""
    kind = type(value)
    if kind in _JSON:
        return value
    if kind is float:
        if math.isfinite(value):
            return value
        return {"float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if kind in (tuple, list):
        return {kind.__name__: [encode(x) for x in value]}
    if kind is dict:
        return {"dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if kind in OBJECTS.values():
        return {"object": kind.__name__, "of": encode(value.of)}
    raise ValueError(f"{value!r} is of no kind a program holds ({type(value).__name__})")


_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def decode(data: Any) -> Any:
    """The value JSON ``data`` encodes; ``ValueError`` naming what is not an encoding."""
    if not isinstance(data, list | dict):
        return data
    if isinstance(data, list):
        raise ValueError(f"{_short(data)}: a bare array is no value (write tuple or list)")
    tag = next(iter(data), None)
    decoder = _DECODERS.get(tag) if isinstance(tag, str) else None
    wanted = ("object", "of") if tag == "object" else (tag,)
    if decoder is None or tuple(data) != wanted:
        raise ValueError(f"{_short(data)}: not an encoded value (one of {', '.join(_DECODERS)})")
    return decoder(data)


def _items(data: dict[str, Any], tag: str) -> list[Any]:
    items = data[tag]
    if not isinstance(items, list):
        raise ValueError(f"{_short(data)}: {tag} takes an array")
    return [decode(x) for x in items]


def _dict(data: dict[str, Any]) -> dict[Any, Any]:
    pairs = data["dict"]
    if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise ValueError(f"{_short(data)}: dict takes an array of [key, value] pairs")
    try:
        return {decode(k): decode(v) for k, v in pairs}
    except TypeError as err:
        raise ValueError(f"{_short(data)}: {err}") from None


def _float(data: dict[str, Any]) -> float:
    if data["float"] not in _FLOATS:
        raise ValueError(f"{_short(data)}: float takes nan, inf or -inf")
    return _FLOATS[data["float"]]


def _object(data: dict[str, Any]) -> Box:
    cls = OBJECTS.get(data["object"])
    if cls is None:
        raise ValueError(f"{_short(data)}: no such object (one of {', '.join(OBJECTS)})")
    return cls(decode(data["of"]))


_DECODERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "float": _float,
    "tuple": lambda data: tuple(_items(data, "tuple")),
    "list": lambda data: _items(data, "list"),
    "dict": _dict,
    "object": _object,
}


def _short(data: Any) -> str:
    text = json.dumps(data)
    return text if len(text) <= 60 else text[:57] + "..."


def encode_line(op: Mapping[str, Any]) -> dict[str, Any]:
    """A program line as JSON data: each field's value encoded (most are JSON already: every
    enumerated and fuzzed program is written for its digest or its ledger, so they skip the
    call)."""
    return {name: value if type(value) in _JSON else encode(value) for name, value in op.items()}


def decode_line(line: dict[str, Any]) -> dict[str, Any]:
    """A program line from JSON data; ``ValueError`` names the field that is not an encoding."""
    decoded = {}
    for name, data in line.items():
        if type(data) not in (list, dict):
            decoded[name] = data  # (JSON's own scalars are values as they are)
            continue
        try:
            decoded[name] = decode(data)
        except ValueError as err:
            raise ValueError(f"field {name!r} = {err}") from None
    return decoded
