"""The server end of SPEC §4: any Python implementation over stdin/stdout (``arenacheck serve``).

It lets the suite test the protocol end to end (``check --impl-cmd "arenacheck serve --impl
arenacheck.impl"`` must be clean, and a served gallery bug must be caught), and it lets test
suites in other languages use the model as an oracle. A header line starts a new builder; every
other line gets exactly one reply line, an ``{"error": "Kind: message"}`` for whatever the
implementation raised. Nothing on stdin makes the server exit but its end.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import IO, Any

from arenacheck.errors import ProgramError
from arenacheck.program import DEFINING, Op
from arenacheck.runner import MISSING, Callback, Implementation, bad_handle_call, error_kind

Reply = dict[str, Any]

#: A variable whose defining operation failed (numbering is static: it still takes its number).
FAILED: Any = type("Failed", (), {"__repr__": lambda self: "<failed>"})()


class Lists:
    """One ``ListBuilder`` and the variables the program's lines defined on it."""

    def __init__(self, impl: Implementation) -> None:
        self.builder = impl.ListBuilder()
        self.reader = self.builder
        self.empty = impl.EMPTY
        self.vars: list[Any] = [impl.EMPTY]

    def var(self, number: Any) -> Any:
        if type(number) is not int or not 0 <= number < len(self.vars):
            raise ProgramError(None, f"no variable {number!r}")
        if self.vars[number] is FAILED:
            raise ProgramError(None, f"variable {number} was defined by an operation that failed")
        return self.vars[number]

    def reply(self, h: Any) -> Reply:
        items = [list(pair) for pair in self.reader.items(h)]
        return {"handle": h, "items": items, "cells": self.reader.cell_count}

    def apply(self, op: Op) -> Reply:
        name = op["op"]
        if name == "extend":
            return self.extend(op)
        if name in DEFINING:
            self.vars.append(FAILED)
            self.vars[-1] = self.produce(op)
            return self.reply(self.vars[-1])
        if name == "items":
            return self.reply(self.var(op["var"]))
        if name == "get":
            value = self.reader.get(self.var(op["var"]), op["key"], MISSING)
            return {"found": False} if value is MISSING else {"found": True, "value": value}
        if name == "bad_handle":
            call = bad_handle_call(op["call"], op["handle"], op.get("position", 1), *self._sides())
            return {"returned": call}
        if name == "build":
            self.reader = self.builder.build()
            return {}
        return {"unsupported": True}

    def extend(self, op: Op) -> Reply:
        """``count`` inserts; the reply also gives each step's handle and the cells after it."""
        self.vars.append(FAILED)
        h, steps = self.var(op["src"]), []
        for i in range(op["count"]):
            h = self.builder.insert(h, op["start"] + i * op["step"], op["value"])
            steps.append([h, self.builder.cell_count])
        self.vars[-1] = h
        return self.reply(h) | {"steps": steps}

    def _sides(self) -> tuple[Any, Any, Any]:
        return self.builder, self.reader, self.empty

    def produce(self, op: Op) -> Any:
        name, b = op["op"], self.builder
        if name in ("intersect", "union"):
            a, other = self.var(op["a"]), self.var(op["b"])
            if "combine" not in op:
                return getattr(b, name)(a, other)
            combine = Callback(op["combine"], b, after=op.get("after", 0))
            return getattr(b, name + "_with")(a, other, combine)
        h = self.var(op["src"])
        key = op["key"]
        if name == "insert_with":
            fn = Callback(op.get("fn", "value"), b, value=op["value"])
            return b.entry(h, key).or_insert_with(fn)
        if name == "replace":
            return b.entry(h, key).replace(op["value"])
        if "value" not in op:
            return b.insert(h, key)
        return b.entry(h, key).or_insert(op["value"])


class Intervals:
    """One ``IntervalMapBuilder`` and, once built, its map."""

    def __init__(self, impl: Implementation) -> None:
        self.builder = impl.IntervalMapBuilder()
        self.map: Any = None

    def apply(self, op: Op) -> Reply:
        name = op["op"]
        if name == "record":
            self.builder.record(op["index"], op["scope"])
            return {}
        if name == "build":
            self.map = self.builder.build()
            return {}
        if name not in ("lookup", "intervals"):
            return {"unsupported": True}
        if self.map is None:
            raise ProgramError(None, f"{name} before a successful build")
        if name == "lookup":
            return {"scope": self.map.get(op["index"])}
        return {"intervals": [list(r) for r in self.map.intervals()]}


STATES: dict[str, Callable[[Implementation], Lists | Intervals]] = {
    "alist": Lists,
    "intervals": Intervals,
}


class Server:
    """Turns request lines into reply lines for one implementation."""

    def __init__(self, impl: Implementation) -> None:
        self.impl = impl
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
                if structure not in STATES:
                    raise ProgramError(None, f"unknown program {structure!r}")
                self.state = None
                self.state = STATES[structure](self.impl)
                return None
            if self.state is None:
                raise ProgramError(None, "an operation before any header")
            reply = self.state.apply(message)
        except ProgramError as err:
            reply = {"error": f"ProgramError: {str(err).removeprefix('line None: ')}"}
        except Exception as err:
            reply = {"error": f"{error_kind(err)}: {err}"}
        return json.dumps(reply, default=repr)


def serve(impl: Implementation, stdin: IO[str], stdout: IO[str]) -> None:
    """Answer every line of ``stdin`` until it ends."""
    server = Server(impl)
    for line in stdin:
        if not line.strip():
            continue
        reply = server.handle(line)
        if reply is not None:
            stdout.write(reply + "\n")
            stdout.flush()


def main(impl: Implementation) -> int:
    serve(impl, sys.stdin, sys.stdout)
    return 0
