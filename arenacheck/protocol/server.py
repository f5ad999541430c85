"""The server end of SPEC §4: any Python implementation over stdin/stdout (``arenacheck serve``).

It lets the suite test the protocol end to end (``check --impl-cmd "arenacheck serve --impl
arenacheck.impl"`` must be clean, and a served gallery bug must be caught), and it lets test
suites in other languages use the model as an oracle. A header line starts a new builder; every
other line gets exactly one reply line, shaped as the vocabulary says, or an
``{"error": "Kind: message"}`` for whatever the implementation raised. The operations themselves
are the interpreter's. Nothing on stdin makes the server exit but its end.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

from arenacheck.errors import ProgramError, error_kind
from arenacheck.implementation import Implementation, adapt
from arenacheck.interpreter import MISSING, ListProgram, MapProgram
from arenacheck.vocabulary import ALIST, STRUCTURES, Op

Reply = dict[str, Any]


class Lists:
    """One ``ListBuilder`` behind the wire: the interpreter's program, and its replies."""

    def __init__(self, impl: Implementation) -> None:
        self.program = ListProgram(impl.ListBuilder(), impl.EMPTY)

    def reply(self, h: Any) -> Reply:
        reader = self.program.reader
        items = [list(pair) for pair in reader.items(h)]
        return {"handle": h, "items": items, "cells": reader.cell_count}

    def apply(self, op: Op) -> Reply:
        if op.get("op") not in ALIST:
            return {"unsupported": True}
        done = self.program.apply(op)
        shape = ALIST[op["op"]].reply
        if shape == "list":
            return self.reply(done.handle)
        if shape == "extend":
            return self.reply(done.handle) | {"steps": [list(step) for step in done.steps]}
        if shape == "get":
            found = done.value is not MISSING
            return {"found": True, "value": done.value} if found else {"found": False}
        if shape == "value":
            return {"value": done.value}
        return {}


class Intervals:
    """One ``IntervalMapBuilder`` behind the wire, and, once built, its map."""

    def __init__(self, impl: Implementation) -> None:
        self.program = MapProgram(impl.IntervalMapBuilder())

    def apply(self, op: Op) -> Reply:
        name = op.get("op")
        if name not in ("record", "build", "lookup", "intervals"):
            return {"unsupported": True}
        answer = self.program.apply(op)
        if name == "lookup":
            return {"scope": answer}
        if name == "intervals":
            return {"intervals": [list(r) for r in answer]}
        return {}


class Server:
    """Turns request lines into reply lines for one implementation."""

    def __init__(self, impl: object) -> None:
        self.impl = adapt(impl)
        self.state: Lists | Intervals | None = None

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
                self.state = None
                self.state = Lists(self.impl) if structure == "alist" else Intervals(self.impl)
                return None
            if self.state is None:
                raise ProgramError(None, "an operation before any header")
            reply = self.state.apply(message)
        except ProgramError as err:
            reply = {"error": f"ProgramError: {str(err).removeprefix('line None: ')}"}
        except Exception as err:
            reply = {"error": f"{error_kind(err)}: {err}"}
        return json.dumps(reply, default=repr)


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
