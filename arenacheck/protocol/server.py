"""The server end of SPEC §4: any Python implementation over stdin/stdout (``arenacheck serve``).

It lets the suite test the protocol end to end (``check --impl-cmd "arenacheck serve --impl
arenacheck.impl"`` must be clean, and a served gallery bug must be caught), and it lets test
suites in other languages use the model as an oracle. A header line starts a new program and its
builder; a line that opens a builder (version 3) opens another beside it, and a line that names
one (``"builder": N``) is made on it. Every line but a header gets exactly one reply line, as
the operation answers it (``Operation.answer``), or an ``{"error": "Kind: message"}`` for
whatever the implementation raised. The operations themselves are made by the interpreter.
Nothing on stdin makes the server exit but its end.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

from arenacheck.domains import is_int
from arenacheck.errors import ProgramError, error_kind
from arenacheck.implementation import Implementation, adapt
from arenacheck.interpreter import ListProgram, MapProgram
from arenacheck.ops import operations
from arenacheck.program import BUILDER
from arenacheck.protocol.wire import converted
from arenacheck.structures import STRUCTURES, Op
from arenacheck.values import decode_line, encode

Reply = dict[str, Any]


class Side:
    """One builder behind the wire, as the interpreter runs it: each operation is made by its
    ``perform`` and answered by its ``answer``; one the registry does not hold is unsupported."""

    def __init__(self, program: ListProgram | MapProgram, structure: str) -> None:
        self.program = program
        self.operations = operations(structure)  # type: ignore[arg-type]

    def apply(self, op: Op) -> Reply:
        operation = self.operations.get(op.get("op"))  # type: ignore[arg-type]
        if operation is None:
            return {"unsupported": True}
        return operation.answer(self.program, operation.perform(self.program, op))


def side(impl: Implementation, structure: str) -> Side:
    """A new builder of ``structure`` behind the wire."""
    if structure == "alist":
        return Side(ListProgram(impl.ListBuilder(), impl.EMPTY), structure)
    return Side(MapProgram(impl.IntervalMapBuilder()), structure)


class Server:
    """Turns request lines into reply lines for one implementation."""

    def __init__(self, impl: object) -> None:
        self.impl = adapt(impl)
        self.structure = ""
        self.sides: list[Side] = []  # the program's builders, its first first

    def handle(self, line: str) -> str | None:
        """The reply line for ``line``; None for a header (which gets no reply)."""
        try:
            try:
                message = json.loads(line)
            except ValueError:
                raise ProgramError(None, f"not a JSON line: {line.strip()[:80]!r}") from None
            if not isinstance(message, dict):
                raise ProgramError(None, "not a JSON object")
            if "program" in message:
                structure = message["program"]
                if structure not in STRUCTURES:
                    raise ProgramError(None, f"unknown program {structure!r}")
                self.sides = []
                self.sides = [side(self.impl, structure)]
                self.structure = structure
                return None
            if not self.sides:
                raise ProgramError(None, "an operation before any header")
            try:
                message = decode_line(message)
            except ValueError as err:
                raise ProgramError(None, f"{message.get('op')}: {err}") from None
            reply = encoded(self.apply(message))
        except ProgramError as err:
            reply = {"error": f"ProgramError: {str(err).removeprefix('line None: ')}"}
        except Exception as err:
            reply = {"error": f"{error_kind(err)}: {err}"}
        return json.dumps(reply, default=repr)

    def apply(self, message: Op) -> Reply:
        """Open a builder, or make ``message`` on the builder it names."""
        found = operations(self.structure).get(message.get("op"))  # type: ignore[arg-type]
        if found is not None and found.opens:
            self.sides.append(side(self.impl, self.structure))
            return {}
        number = message.get(BUILDER, 0)
        if not is_int(number) or not 0 <= number < len(self.sides):
            raise ProgramError(None, f"no builder {json.dumps(number)} is open")
        return self.sides[number].apply(message)


def encoded(reply: Reply) -> Reply:
    """``reply`` with the keys and values it reads back in the typed encoding; an object of no
    kind (an implementation's own) as its ``repr``, which no model value matches."""
    return converted(reply, _encoded)


def _encoded(value: Any) -> Any:
    try:
        return encode(value)
    except ValueError:
        return repr(value)


def serve(impl: object, stdin: IO[str], stdout: IO[str]) -> None:
    """Answer every line of ``stdin`` until it ends."""
    server = Server(impl)
    for line in stdin:
        if not line.strip():
            continue
        reply = server.handle(line)
        if reply is not None:
            stdout.write(reply + "\n")
            stdout.flush()


def main(impl: object) -> int:
    serve(impl, sys.stdin, sys.stdout)
    return 0
