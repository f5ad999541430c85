"""Programs: operations as data (SPEC §4), read and written as JSON Lines.

A program is a header line and one JSON object per operation. Version 1 is SPEC's language;
version 2 adds the operations every engine needs to express any violation it can find (callbacks
that raise or call back in, ``or_insert_with``, reads, bad handles and bad values, long runs,
``build``). The operations and their fields are the vocabulary's (``arenacheck.vocabulary``);
``docs/programs.md`` documents every one. The writer always picks the lowest version that holds a
program, so version-1 programs stay readable by version-1 tools.

Validation here is static: field names and types, and that every variable a line names was
defined by an earlier line. Whether an operation *fails* is the model's business, at run time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arenacheck.errors import ProgramError
from arenacheck.vocabulary import (
    DEFINING,
    INT64,
    OPERATIONS,
    STRUCTURES,
    VARIABLES,
    Op,
    Structure,
    is_int,
    run_keys,
)


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


def complaint(structure: Structure, op: Op, version: int, defined: int) -> str | None:
    """Why ``op`` is not a valid operation of ``version`` after ``defined`` variables, or None."""
    name = op.get("op")
    operation = OPERATIONS[structure].get(name) if isinstance(name, str) else None
    if operation is None:
        known = ", ".join(OPERATIONS[structure])
        return f"unknown {structure} operation {name!r} (known: {known})"
    if operation.version > version:
        return f"operation {name!r} needs a version-{operation.version} header"
    for key in op:
        if key != "op" and key not in operation.fields:
            return f"{name}: unknown field {key!r}"
    for key in operation.required:
        if key not in op:
            return f"{name}: missing field {key!r}"
    for key, domain in operation.fields.items():
        if key in op and (problem := domain.check(op[key], version)) is not None:
            return f"{name}: field {key!r} = {json.dumps(op[key])} {problem}"
    for key, (other, value) in operation.only_with.items():
        if key in op and op.get(other) != value:
            return f"{name}: {key!r} goes with {json.dumps(other)}: {json.dumps(value)} only"
    for key in VARIABLES:
        if key in op and op[key] >= defined:
            return f"{name}: variable {op[key]} is not defined yet (defined: 0..{defined - 1})"
    if name == "extend" and not INT64[0] <= run_keys(op)[-1] < INT64[1]:
        return "extend: the run's keys leave [-2**63, 2**63)"
    for key in operation.needs_v2_without:
        if key not in op and version < 2:
            return f"{name}: missing field {key!r} (leaving it out needs a version-2 header)"
    return None


def validate(program: Program, version: int = 2, path: str | None = None) -> None:
    """Raise ``ProgramError`` at the first line that is not a valid operation."""
    defined = 1  # variable 0 is EMPTY
    built = False
    for op, line in zip(program.ops, program.lines, strict=True):
        problem = complaint(program.structure, op, version, defined)
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
