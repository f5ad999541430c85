"""The domains of the program language: the value sets an operation's fields hold.

A domain has a name (the fuzz codecs and the stateful strategies are chosen by it), the check a
program line's value is validated by, for the program's version, and, where a run must show how
much of it was exercised, its *classes*: the parts of the domain the ledger counts an operation
reaching (``record.scope:[2^16,2^31)``), each with a sample value the forms engine puts there.
The domains here are shared by several operations; a domain only one operation uses lives in
that operation's module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from arenacheck.callbacks import COMBINES, FAILING, FNS
from arenacheck.values import (
    INT64,
    KEY_KINDS,
    KEY_SAMPLES,
    VALUE_KINDS,
    VALUE_SAMPLES,
    key_kind,
    value_kind,
)

#: Integer handles a ``bad_handle`` line may name: negative, or too large for any arena.
HUGE_HANDLE = 2**40


def is_int(value: object) -> bool:
    """A JSON integer (``bool`` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_int64(value: object) -> bool:
    return is_int(value) and INT64[0] <= value < INT64[1]  # type: ignore[operator]


def scalar(value: object) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


#: A domain's check: None when the value is fine for that program version, else a complaint.
Check = Callable[[object, int], "str | None"]


#: A domain's classifier: the class a value falls in, or None (a value outside the domain).
Classify = Callable[[object], "str | None"]


@dataclass(frozen=True)
class Domain:
    """The values one kind of field holds, the check that validates a program line's value, and
    the classes the ledger counts (each with a sample), with the classifier that names one."""

    name: str
    check: Check
    classes: tuple[tuple[str, object], ...] = ()
    classify: Classify | None = None


def _var(value: object, version: int) -> str | None:
    return None if is_int(value) and value >= 0 else "must be a variable number"  # type: ignore[operator]


def _key(value: object, version: int) -> str | None:
    if version >= 4:
        return None if key_kind(value) is not None else f"must be a key ({', '.join(KEY_KINDS)})"
    if is_int64(value) or (version >= 2 and isinstance(value, str)):
        return None
    return "must be an int in [-2**63, 2**63)" + (" or a string" if version >= 2 else "")


def _value(value: object, version: int) -> str | None:
    if version >= 4:
        if value_kind(value) is not None:
            return None
        return f"must be a value ({', '.join(VALUE_KINDS)})"
    if is_int64(value) or (version >= 2 and value is None):
        return None
    return "must be an int in [-2**63, 2**63)" + (" or null" if version >= 2 else "")


def _after(value: object, version: int) -> str | None:
    return None if is_int(value) and value >= 0 else "must be an int >= 0"  # type: ignore[operator]


def _combine(value: object, version: int) -> str | None:
    names = (*COMBINES, *(FAILING if version >= 2 else ()))
    return None if value in names else f"must be one of {', '.join(names)}"


def _fn(value: object, version: int) -> str | None:
    return None if value in FNS else f"must be one of {', '.join(FNS)}"


def _u32(value: object, version: int) -> str | None:
    if is_int(value) and 0 <= value < 2**32:  # type: ignore[operator]
        return None
    if version >= 2 and scalar(value):
        return None  # a bad value on purpose: the model expects TypeError or ValueError
    return "must be an int in [0, 2**32)" + (" (or any JSON scalar)" if version >= 2 else "")


#: The values around the widths a compact representation of a 32-bit field truncates to, or
#: refuses: 8, 16 and 31 bits, and the top of the domain. Every engine draws them (SPEC §3.2).
U32_EDGES = (2**8 - 1, 2**8, 2**16 - 1, 2**16, 2**31 - 1, 2**31, 2**32 - 2, 2**32 - 1)
#: The classes of a 32-bit field by magnitude, each with its sample: its least value (the
#: first's greatest, so that each sample sits on a width's boundary).
U32_CLASSES: tuple[tuple[str, object], ...] = (
    ("0", 0),
    ("[1,2^8)", 2**8 - 1),
    ("[2^8,2^16)", 2**8),
    ("[2^16,2^31)", 2**16),
    ("[2^31,2^32-1)", 2**31),
    ("2^32-1", 2**32 - 1),
)


def _u32_class(value: object) -> str | None:
    if not is_int(value) or not 0 <= value < 2**32:  # type: ignore[operator]
        return None
    if value == 0:
        return "0"
    if value < 2**8:  # type: ignore[operator]
        return "[1,2^8)"
    if value < 2**16:  # type: ignore[operator]
        return "[2^8,2^16)"
    if value < 2**31:  # type: ignore[operator]
        return "[2^16,2^31)"
    return "[2^31,2^32-1)" if value < 2**32 - 1 else "2^32-1"  # type: ignore[operator]


VAR = Domain("var", _var)
#: Keys and values of every kind (version 4; docs/semantics.md, "Keys and values"): the ledger
#: counts the kinds each operation reached.
KEY = Domain("key", _key, tuple((k, KEY_SAMPLES[k]) for k in KEY_KINDS), key_kind)
VALUE = Domain("value", _value, tuple((k, VALUE_SAMPLES[k]) for k in VALUE_KINDS), value_kind)
AFTER = Domain("after", _after)
COMBINE = Domain("combine", _combine)
FN = Domain("fn", _fn)
INDEX = Domain("index", _u32, U32_CLASSES, _u32_class)
SCOPE = Domain("scope", _u32, U32_CLASSES, _u32_class)
