"""Programs: operations as data (SPEC §4), read and written as JSON Lines.

A program is a header line and one JSON object per operation. Version 1 is SPEC's language;
version 2 adds the operations every engine needs to express any violation it can find (callbacks
that raise or call back in, ``or_insert_with``, reads, bad handles and bad values, long runs,
``build``). ``docs/programs.md`` documents every operation. The writer always picks the lowest
version that holds a program, so version-1 programs stay readable by version-1 tools.

Validation here is static: field names and types, and that every variable a line names was
defined by an earlier line. Whether an operation *fails* is the model's business, at run time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from arenacheck.errors import ProgramError

Structure = Literal["alist", "intervals"]
STRUCTURES: tuple[Structure, ...] = ("alist", "intervals")
Op = Mapping[str, Any]

INT64 = (-(2**63), 2**63)
COMBINES_V1 = ("left", "right", "add", "sub", "min", "max")
CALLBACK_FAILURES = ("raise", "reenter")
#: Operations whose success defines the next alist variable (the n-th defines variable n).
DEFINING = frozenset({"insert", "replace", "insert_with", "intersect", "union", "extend"})
BAD_HANDLE_CALLS = (
    "insert", "replace", "insert_with", "intersect", "union",
    "items", "keys", "items_reverse", "get", "contains", "length",
)  # fmt: skip
#: Integer handles a ``bad_handle`` line may name: negative, or too large for any arena.
HUGE_HANDLE = 2**40


def is_int(value: object) -> bool:
    """A JSON integer (``bool`` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_int64(value: object) -> bool:
    return is_int(value) and INT64[0] <= value < INT64[1]  # type: ignore[operator]


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


# A field check returns None when the value is fine for that version, else a complaint.
Check = Callable[[object, int], "str | None"]


def _var(value: object, version: int) -> str | None:
    return None if is_int(value) and value >= 0 else "must be a variable number"  # type: ignore[operator]


def _key(value: object, version: int) -> str | None:
    if is_int64(value):
        return None
    if version >= 2 and isinstance(value, str):
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
    if value in COMBINES_V1 or (version >= 2 and value in CALLBACK_FAILURES):
        return None
    names = COMBINES_V1 + (CALLBACK_FAILURES if version >= 2 else ())
    return f"must be one of {', '.join(names)}"


def _fn(value: object, version: int) -> str | None:
    return None if value in ("value", *CALLBACK_FAILURES) else "must be value, raise or reenter"


def _call(value: object, version: int) -> str | None:
    return None if value in BAD_HANDLE_CALLS else f"must be one of {', '.join(BAD_HANDLE_CALLS)}"


def _position(value: object, version: int) -> str | None:
    return None if value in (1, 2) and is_int(value) else "must be 1 or 2"


def _bad_handle(value: object, version: int) -> str | None:
    if value is None:
        return "must not be null (null is EMPTY, a valid handle)"
    if is_int(value) and 0 <= value < HUGE_HANDLE:  # type: ignore[operator]
        return f"an int handle must be negative or >= 2**40 to be surely invalid, not {value}"
    return None if _scalar(value) else "must be a JSON scalar"


def _u32_v1(value: object, version: int) -> str | None:
    if is_int(value) and 0 <= value < 2**32:  # type: ignore[operator]
        return None
    if version >= 2 and _scalar(value):
        return None  # a bad value on purpose: the model expects TypeError or ValueError
    return "must be an int in [0, 2**32)" + (" (or any JSON scalar)" if version >= 2 else "")


@dataclass(frozen=True)
class Shape:
    """One operation's fields: required, optional, and the version that introduced it."""

    required: Mapping[str, Check]
    optional: Mapping[str, Check] = field(default_factory=dict)
    version: int = 1


ALIST_OPS: dict[str, Shape] = {
    "insert": Shape({"src": _var, "key": _key}, {"value": _value}),
    "replace": Shape({"src": _var, "key": _key, "value": _value}),
    "intersect": Shape({"a": _var, "b": _var}, {"combine": _combine, "after": _after}),
    "union": Shape({"a": _var, "b": _var}, {"combine": _combine, "after": _after}),
    "items": Shape({"var": _var}),
    "insert_with": Shape({"src": _var, "key": _key, "value": _value}, {"fn": _fn}, version=2),
    "extend": Shape(
        {"src": _var, "start": _int64, "step": _step, "count": _count, "value": _value}, version=2
    ),
    "get": Shape({"var": _var, "key": _key}, version=2),
    "bad_handle": Shape({"call": _call, "handle": _bad_handle}, {"position": _position}, 2),
    "build": Shape({}, version=2),
}

INTERVAL_OPS: dict[str, Shape] = {
    "record": Shape({"index": _u32_v1, "scope": _u32_v1}),
    "build": Shape({}),
    "lookup": Shape({"index": _u32_v1}),
    "intervals": Shape({}),
}

SHAPES: dict[Structure, dict[str, Shape]] = {"alist": ALIST_OPS, "intervals": INTERVAL_OPS}


@dataclass
class Program:
    """A structure name and its operations, each with the file line it came from."""

    structure: Structure
    ops: list[Op]
    lines: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.lines:
            self.lines = list(range(2, len(self.ops) + 2))

    @property
    def version(self) -> int:
        """The lowest version whose language holds the program."""
        try:
            validate(self, version=1)
        except ProgramError:
            return 2
        return 1

    def dumps(self) -> str:
        header = {"program": self.structure, "version": self.version}
        return "".join(json.dumps(line) + "\n" for line in [header, *self.ops])

    def write(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.dumps(), encoding="utf-8")
        return path


def _complaint(structure: Structure, op: Op, version: int, defined: int) -> str | None:
    """Why ``op`` is not a valid operation of ``version`` after ``defined`` variables, or None."""
    name = op.get("op")
    shape = SHAPES[structure].get(name) if isinstance(name, str) else None
    if shape is None:
        known = ", ".join(SHAPES[structure])
        return f"unknown {structure} operation {name!r} (known: {known})"
    if shape.version > version:
        return f"operation {name!r} needs a version-{shape.version} header"
    for key in op:
        if key != "op" and key not in shape.required and key not in shape.optional:
            return f"{name}: unknown field {key!r}"
    for key in shape.required:
        if key not in op:
            return f"{name}: missing field {key!r}"
    if structure == "alist" and name == "insert" and "value" not in op and version < 2:
        return "insert: missing field 'value' (a set insert needs a version-2 header)"
    for key, check in {**shape.required, **shape.optional}.items():
        if key in op and (problem := check(op[key], version)) is not None:
            return f"{name}: field {key!r} = {json.dumps(op[key])} {problem}"
    if name in ("intersect", "union") and "after" in op and op.get("combine") != "raise":
        return f'{name}: \'after\' goes with "combine": "raise" only'
    for key in ("src", "a", "b", "var"):
        if key in op and op[key] >= defined:
            return f"{name}: variable {op[key]} is not defined yet (defined: 0..{defined - 1})"
    if name == "extend":
        last = op["start"] + (op["count"] - 1) * op["step"]
        if not INT64[0] <= last < INT64[1]:
            return "extend: the run's keys leave [-2**63, 2**63)"
    if name in ("intersect", "union") and "combine" not in op and version < 2:
        return f"{name}: missing field 'combine' (the set form needs a version-2 header)"
    return None


def validate(program: Program, version: int = 2, path: str | None = None) -> None:
    """Raise ``ProgramError`` at the first line that is not a valid operation."""
    defined = 1  # variable 0 is EMPTY
    built = False
    for op, line in zip(program.ops, program.lines, strict=True):
        problem = _complaint(program.structure, op, version, defined)
        if problem is None and program.structure == "intervals":
            problem = _interval_order(op["op"], built, version)
            built = built or op["op"] == "build"
        if problem is not None:
            raise ProgramError(line, problem, path)
        if program.structure == "alist" and op["op"] in DEFINING:
            defined += 1


def _interval_order(name: str, built: bool, version: int) -> str | None:
    if name in ("lookup", "intervals") and not built:
        return f"{name} before any build"
    if name == "record" and built and version < 2:
        return "record after build (recording on a finished builder needs a version-2 header)"
    return None


def loads(text: str, path: str | None = None) -> Program:
    """Parse and validate a program; ``ProgramError`` names the first bad line."""
    ops: list[Op] = []
    lines: list[int] = []
    header: Mapping[str, Any] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw, parse_constant=_reject_constant)
        except ValueError as err:
            raise ProgramError(number, f"not valid JSON: {err}", path) from None
        if not isinstance(value, dict):
            raise ProgramError(number, "each line must be a JSON object", path)
        if header is None:
            header = value
            _check_header(header, number, path)
        else:
            ops.append(value)
            lines.append(number)
    if header is None:
        raise ProgramError(1, "empty file: expected a header line", path)
    program = Program(header["program"], ops, lines)
    validate(program, header["version"], path)
    return program


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _check_header(header: Mapping[str, Any], line: int, path: str | None) -> None:
    if set(header) != {"program", "version"}:
        raise ProgramError(
            line, 'the header must be {"program": "alist"|"intervals", "version": 1|2}', path
        )
    if header["program"] not in STRUCTURES:
        raise ProgramError(line, f"unknown program kind {header['program']!r}", path)
    if header["version"] not in (1, 2) or not is_int(header["version"]):
        raise ProgramError(line, f"unsupported version {header['version']!r} (1 or 2)", path)


def read(path: str | Path) -> Program:
    """Read a program file; unreadable files raise ``ProgramError`` too (one clear line)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ProgramError(
            None, f"cannot read: {getattr(err, 'strerror', None) or err}", str(path)
        ) from None
    return loads(text, str(path))


def defined_variables(ops: Iterable[Op]) -> int:
    """How many alist variables a sequence of operations defines (EMPTY included)."""
    return 1 + sum(1 for op in ops if op["op"] in DEFINING)
