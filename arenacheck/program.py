"""Programs: operations as data (SPEC §4), read and written as JSON Lines.

A program is a header line and one JSON object per operation. Version 1 is SPEC's language;
version 2 adds the operations every engine needs to express any violation it can find (callbacks
that raise or call back in, ``or_insert_with``, reads, bad handles and bad values, long runs,
``build``). Version 3 adds several builders in one program: ``{"op": "builder"}`` opens the
next one (the first is the program's own, number 0), and any line may name the builder it is
made on (``"builder": N``; left out, 0) — variables, handles and maps are each builder's own.
Version 4 adds keys and values of every kind (``arenacheck.values``: floats, bools, big ints,
tuples, lists, dicts, objects with their own ``==``), in a lossless typed JSON encoding; a
program's ops hold the decoded values, and every writer encodes them.
The operations and their fields are the registry's (``arenacheck.ops``); ``docs/programs.md``
documents every one. The writer always picks the lowest version that holds a program, so
version-1 programs stay readable by version-1 tools.

Validation here is static: field names and types, and that every variable a line names was
defined by an earlier line. Whether an operation *fails* is the model's business, at run time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arenacheck.domains import VAR, is_int
from arenacheck.errors import ProgramError
from arenacheck.ops.base import Shape
from arenacheck.structures import STRUCTURES, Op, Structure
from arenacheck.values import decode_line, encode, encode_line

#: Every version of the language, oldest first.
VERSIONS = (1, 2, 3, 4)
#: The field that names the builder a line is made on (version 3).
BUILDER = "builder"
#: The ledger's count of programs that ended with several builders open (a class of the
#: program's domain, as ``OPERATION.FIELD:CLASS`` names the operations').
SEVERAL_BUILDERS = "program.builders:several"


def builder_of(op: Op) -> int:
    """The builder a line is made on (0 unless it names one)."""
    number: int = op.get(BUILDER, 0)
    return number


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
        for version in VERSIONS[:-1]:
            try:
                validate(self, version=version)
            except ProgramError:
                continue
            return version
        return VERSIONS[-1]

    @property
    def builders(self) -> int:
        """How many builders the program opens (its own included)."""
        from arenacheck.ops import operations

        table = operations(self.structure)
        return 1 + sum(1 for op in self.ops if table[op["op"]].opens)

    def dumps(self) -> str:
        header = {"program": self.structure, "version": self.version}
        return "".join(json.dumps(line) + "\n" for line in [header, *map(encode_line, self.ops)])

    def write(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.dumps(), encoding="utf-8")
        return path


def complaint(structure: Structure, op: Op, version: int, shape: Shape) -> str | None:
    """Why ``op`` is not a valid operation of ``version`` in a program of ``shape`` so far, or
    None."""
    from arenacheck.ops import operation as find
    from arenacheck.ops import operations

    name = op.get("op")
    operation = find(structure, name)
    if operation is None:
        known = ", ".join(operations(structure))
        return f"unknown {structure} operation {name!r} (known: {known})"
    if operation.version > version:
        return f"operation {name!r} needs a version-{operation.version} header"
    fields = operation.fields
    for key in op:
        if key not in ("op", BUILDER) and key not in fields:
            return f"{name}: unknown field {key!r}"
    for key in operation.required:
        if key not in op:
            return f"{name}: missing field {key!r}"
    for key, domain in fields.items():
        if key in op and (problem := domain.check(op[key], version)) is not None:
            return f"{name}: field {key!r} = {json.dumps(encode(op[key]))} {problem}"
    for key, (other, value) in operation.only_with.items():
        if key in op and op.get(other) != value:
            return f"{name}: {key!r} goes with {json.dumps(other)}: {json.dumps(value)} only"
    for key, domain in fields.items():
        if domain is VAR and key in op and op[key] >= shape.defined:
            return (
                f"{name}: variable {op[key]} is not defined yet (defined: 0..{shape.defined - 1})"
            )
    if (problem := operation.complaint(op, shape, version)) is not None:
        return problem
    for key in operation.needs_v2_without:
        if key not in op and version < 2:
            return f"{name}: missing field {key!r} (leaving it out needs a version-2 header)"
    return None


def builder_complaint(op: Op, version: int, shapes: list[Shape], opens: bool) -> str | None:
    """Why the builder ``op`` names cannot be (a version-3 field naming an open builder, on a
    line that does not open one), or None."""
    if BUILDER not in op:
        return None
    name, number = op.get("op"), op[BUILDER]
    if version < 3:
        return f"{name}: field {BUILDER!r} needs a version-3 header"
    if opens:
        return f"{name}: opens the next builder, and is made on none"
    if not is_int(number) or not 0 <= number < len(shapes):
        return (
            f"{name}: field {BUILDER!r} = {json.dumps(number)} names no open builder"
            f" (open: 0..{len(shapes) - 1})"
        )
    return None


def validate(program: Program, version: int = VERSIONS[-1], path: str | None = None) -> None:
    """Raise ``ProgramError`` at the first line that is not a valid operation."""
    from arenacheck.ops import operation as find

    shapes = [Shape()]
    for op, line in zip(program.ops, program.lines, strict=True):
        operation = find(program.structure, op.get("op"))
        opens = operation is not None and operation.opens
        problem = builder_complaint(op, version, shapes, opens)
        shape = shapes[builder_of(op)] if problem is None else shapes[0]
        problem = problem or complaint(program.structure, op, version, shape)
        if problem is not None:
            raise ProgramError(line, problem, path)
        assert operation is not None
        if operation.opens:
            shapes.append(Shape())
        operation.effect(shape)


def loads(text: str, path: str | None = None) -> Program:
    """Parse and validate a program; ``ProgramError`` names the first bad line (a program
    sequence, several headers, is read by ``loads_all``)."""
    chunks = _chunks(text, path)
    if len(chunks) > 1:
        second = chunks[1][0][0]
        raise ProgramError(second, "a second header: a program sequence (replay reads it)", path)
    return _parse(chunks[0], path)


def loads_all(text: str, path: str | None = None) -> list[Program]:
    """Parse and validate a program, or a *program sequence*: several programs, each from its
    header line, meant to run in order in one process (docs/programs.md)."""
    return [_parse(chunk, path) for chunk in _chunks(text, path)]


def _chunks(text: str, path: str | None) -> list[list[tuple[int, str]]]:
    """The numbered lines of each program: a header line starts the next."""
    chunks: list[list[tuple[int, str]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if not chunks or _is_header(raw):
            chunks.append([])
        chunks[-1].append((number, raw))
    if not chunks:
        raise ProgramError(1, "empty file: expected a header line", path)
    return chunks


def _is_header(raw: str) -> bool:
    try:
        value = json.loads(raw)
    except ValueError:
        return False
    return isinstance(value, dict) and "program" in value and "op" not in value


def _parse(numbered: list[tuple[int, str]], path: str | None) -> Program:
    """One program: its header line, then its operations."""
    ops: list[Op] = []
    lines: list[int] = []
    header: Mapping[str, Any] | None = None
    for number, raw in numbered:
        try:
            value = json.loads(raw, parse_constant=_reject_constant)
        except ValueError as err:
            raise ProgramError(number, f"not valid JSON: {err}", path) from None
        if not isinstance(value, dict):
            raise ProgramError(number, "each line must be a JSON object", path)
        if header is None:
            header = value
            _check_header(header, number, path)
            continue
        try:
            ops.append(decode_line(value))
        except ValueError as err:
            raise ProgramError(number, f"{value.get('op')}: {err}", path) from None
        lines.append(number)
    assert header is not None  # a chunk starts with its first line
    program = Program(header["program"], ops, lines)
    validate(program, header["version"], path)
    return program


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _check_header(header: Mapping[str, Any], line: int, path: str | None) -> None:
    if set(header) != {"program", "version"}:
        raise ProgramError(
            line, 'the header must be {"program": "alist"|"intervals", "version": 1|2|3|4}', path
        )
    if header["program"] not in STRUCTURES:
        raise ProgramError(line, f"unknown program kind {header['program']!r}", path)
    if header["version"] not in VERSIONS or not is_int(header["version"]):
        raise ProgramError(line, f"unsupported version {header['version']!r} (1, 2, 3 or 4)", path)


def _text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ProgramError(
            None, f"cannot read: {getattr(err, 'strerror', None) or err}", str(path)
        ) from None


def read(path: str | Path) -> Program:
    """Read a program file; unreadable files raise ``ProgramError`` too (one clear line)."""
    return loads(_text(path), str(path))


def read_all(path: str | Path) -> list[Program]:
    """Read a program file or a program sequence: its programs, in order."""
    return loads_all(_text(path), str(path))


def dumps_all(programs: Iterable[Program]) -> str:
    """A program sequence's text: each program, header first, one after another."""
    return "".join(program.dumps() for program in programs)
