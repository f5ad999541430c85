"""The wire of SPEC §4's protocol: one child process, one program's builders at a time — the
replies each operation may get (by the shape its operation declares), the builders that own the
child now (a program's first and those opened beside it, version 3: their lines name them,
``"builder": N``), and other builders taking it over by replaying their own lines (which must
get the same replies again, up to the names of lists)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from arenacheck import laws
from arenacheck.errors import KINDS, ReentrantCall, UnnamedError, Unsupported
from arenacheck.implementation import feature
from arenacheck.ops import operation, operations
from arenacheck.program import BUILDER
from arenacheck.protocol.child import Child
from arenacheck.structures import Op, Structure
from arenacheck.values import decode, encode_line

#: The header every builder starts with: the highest version the runner may send, any operation
#: of docs/programs.md and keys and values of every kind in the typed encoding (an adapter
#: answers what it cannot do, or hold, with ``{"unsupported": true}``).
VERSION = 4


#: Error kinds a reply may name (``{"error": "Kind: message"}``), as the runner compares them.
ERROR_KINDS: dict[str, type[Exception]] = {cls.__name__: cls for cls in (*KINDS, ReentrantCall)}


def error_from(text: str) -> Exception:
    """The typed error an ``{"error": text}`` reply stands for, carrying the child's message;
    an ``UnnamedError`` when the text names no known kind (SPEC §4 allows any text: the runner
    then checks that an error was due, not which)."""
    kind = text.split(":", 1)[0].strip()
    cls = ERROR_KINDS.get(kind, UnnamedError)
    err = cls.__new__(cls)
    Exception.__init__(err, text)  # keep the child's own message, whatever the class's init says
    return err


@dataclass(frozen=True)
class ExternalHandle:
    """A list as the runner holds it: the child's handle (compared for identity) and the wire
    variable that names the list in operation lines."""

    wire: int = field(compare=False)
    raw: Any


def _is_int(value: object) -> bool:
    return type(value) is int


def _pairs(value: object, width: int) -> bool:
    return isinstance(value, list) and all(isinstance(p, list) and len(p) == width for p in value)


#: What each operation's reply must hold (SPEC §4), when it is not an error.
SHAPES: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "list": (
        '{"handle": H, "items": [[k, v], ...], "cells": N}',
        lambda r: (
            "handle" in r
            and _pairs(r.get("items"), 2)
            and _is_int(r.get("cells"))
            and r["cells"] >= 0
        ),
    ),
    "none": ("{}", lambda r: True),
    "lookup": ('{"scope": S}', lambda r: "scope" in r),
    "intervals": (
        '{"intervals": [[start, end, scope], ...]}',
        lambda r: _pairs(r.get("intervals"), 3),
    ),
    "extend": (
        '{"handle": H, "items": [...], "cells": N, "steps": [[H, N], ...]}',
        lambda r: SHAPES["list"][1](r) and _pairs(r.get("steps"), 2),
    ),
    "get": (
        '{"found": true, "value": V} or {"found": false}',
        lambda r: type(r.get("found")) is bool and ("value" in r or not r["found"]),
    ),
    "value": ('{"value": V}', lambda r: "value" in r),
}


def converted(reply: dict[str, Any], convert: Callable[[Any], Any]) -> dict[str, Any]:
    """``reply`` with ``convert`` applied to each key and value it reads back (its ``items``
    and its ``value``): the typed encoding, one way (a server) or the other (the client)."""
    if "items" in reply:
        reply = {**reply, "items": [[convert(k), convert(v)] for k, v in reply["items"]]}
    if "value" in reply:
        reply = {**reply, "value": convert(reply["value"])}
    return reply


def reply_shape(structure: Structure, name: str) -> str:
    """The shape of the reply to operation ``name`` (its ``reply``; ``{}`` if unknown)."""
    found = operation(structure, name)
    return "none" if found is None else found.reply


def _handles(reply: dict[str, Any]) -> list[Any]:
    """The handles a reply names: the list's, then each ``extend`` step's."""
    steps = reply.get("steps") or []
    return ([reply["handle"]] if "handle" in reply else []) + [step[0] for step in steps]


def same_reply(before: dict[str, Any], again: dict[str, Any], renamed: dict[int, Any]) -> bool:
    """Whether a replayed line's reply ``again`` says what ``before`` said: the same error kind
    (its message may differ), or the same reply up to the names of handles, each new int handle
    standing for one old one throughout (``renamed``, new -> old, grows as it goes)."""
    if set(before) != set(again):
        return False
    if "error" in before:
        return type(error_from(before["error"])) is type(error_from(again["error"]))
    plain = [{k: v for k, v in r.items() if k not in ("handle", "steps")} for r in (before, again)]
    cells = [[step[1] for step in r.get("steps") or []] for r in (before, again)]
    if plain[0] != plain[1] or cells[0] != cells[1]:
        return False
    olds, news = _handles(before), _handles(again)
    if len(olds) != len(news):
        return False
    for old, new in zip(olds, news, strict=True):
        if type(new) is not int or type(old) is not int:
            if new != old:
                return False
        elif renamed.setdefault(new, old) != old or any(
            o == old and n != new for n, o in renamed.items()
        ):
            return False  # one new name for two old lists, or two new names for one
    return True


# --- The wire: one child, one builder at a time ---------------------------------------------------


class Wire:
    """Sends operation lines for whichever client builder owns the child right now."""

    def __init__(self, child: Child) -> None:
        self.child = child
        self.owner: Client | None = None
        self.extend = True  # until the child answers an ``extend`` with unsupported
        self.unsupported: set[str] = set()  # features of operations the child cannot run

    def call(self, client: Client, name: str, line: str) -> dict[str, Any]:
        """Send ``line`` (an operation ``name``, encoded) for ``client`` and return its checked
        reply (errors included)."""
        self.own(client)
        return self.check(client.structure, line, name, self.child.exchange(line))

    def own(self, client: Client) -> None:
        """Make the child hold ``client``'s builders, unless it does."""
        if self.owner is not client.head or self.child.process is None:
            self.take(client.head)

    def take(self, head: Client) -> None:
        """Give the child to ``head`` and the builders opened beside it: a header, then their
        earlier state-changing lines, in order, whose replies must say what they said before
        (``same_reply``; each builder's lists renamed on their own)."""
        self.owner = None
        self.child.write(json.dumps({"program": head.structure, "version": VERSION}))
        renamed: dict[int, dict[int, Any]] = {m.number: {} for m in head.members}
        for line, reply in head.log:
            sent = json.loads(line)
            again = self.check(head.structure, line, sent["op"], self.child.exchange(line))
            if not same_reply(reply, again, renamed[sent.get(BUILDER, 0)]):
                got = f"{json.dumps(again)} this time, {json.dumps(reply)} before"
                self.child.fail(laws.PROTOCOL_MALFORMED, line, f"replaying the builder: {got}")
        for member in head.members:
            member.rename = renamed[member.number]
        self.owner = head

    def check(self, structure: Structure, line: str, name: str, text: str) -> dict[str, Any]:
        """The reply ``text`` to ``line`` as an object of the operation's shape, or a failure."""
        try:
            reply = json.loads(text)
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            self.child.fail(laws.PROTOCOL_MALFORMED, line, f"{text!r} (not a JSON object)")
        if "error" in reply or reply.get("unsupported") is True:
            if "error" in reply and not isinstance(reply["error"], str):
                self.child.fail(laws.PROTOCOL_MALFORMED, line, f"{text!r} (error is not a string)")
            return reply
        shape, ok = SHAPES[reply_shape(structure, name)]
        if not ok(reply):
            self.child.fail(laws.PROTOCOL_MALFORMED, line, f"{text!r} (expected {shape})")
        return reply

    def decoded(self, line: str, reply: dict[str, Any]) -> dict[str, Any]:
        """``reply`` with the keys and values it reads back decoded (``values.decode``); one
        that is no encoding is a malformed reply. (Replies are logged as sent, so that a replay
        compares JSON, where a NaN equals a NaN.)"""
        try:
            return converted(reply, decode)
        except ValueError as err:
            self.child.fail(laws.PROTOCOL_MALFORMED, line, f"{json.dumps(reply)[:200]} ({err})")


class Client:
    """One builder on the far side: its wire, its number among its program's builders, and the
    state-changing lines of them all (for replays), kept by the first (``head``)."""

    structure: Structure

    def __init__(self, wire: Wire) -> None:
        self.wire = wire
        self.number = 0
        self.head = self
        self.members = [self]  # (the head's: every builder of its program, in order)
        self.log: list[tuple[str, dict[str, Any]]] = []
        self._read: tuple[str, dict[str, Any]] | None = None  # the last reply, if a read
        self.rename: dict[int, Any] = {}  # the child's int handles -> the ones the runner holds
        self.reported: set[int] = set()  # every int handle the runner was given

    def handle(self, raw: Any) -> Any:
        """The handle the runner gets for the child's ``raw``: the same one for the same list, and
        never one that already named another list (after a replay, the child may number its
        lists differently: ``Wire.take``)."""
        if type(raw) is not int:
            return raw  # None (EMPTY), or not a handle at all: the runner judges it as it is
        if raw not in self.rename:
            fresh = raw if raw not in self.reported else max(self.reported) + 1
            self.rename[raw] = fresh
            self.reported.add(fresh)
        return self.rename[raw]

    def call(self, op: Op, changes_state: bool = False) -> dict[str, Any]:
        """Send ``op``; return its reply, or raise the error or ``Unsupported`` it stands for."""
        self._read = None
        op = self.tag(op)
        sent = json.dumps(encode_line(op))
        reply = self.wire.call(self, op["op"], sent)
        if "handle" in reply:
            reply = {**reply, "handle": self.handle(reply["handle"])}
        if reply.get("steps"):
            reply = {**reply, "steps": [[self.handle(h), n, *r] for h, n, *r in reply["steps"]]}
        if changes_state:
            self.log.append((sent, reply))
        reply = self.wire.decoded(sent, reply)
        if reply.get("unsupported") is True:
            self.wire.unsupported.add(feature(op))
            raise Unsupported(op)
        if "error" in reply:
            raise error_from(reply["error"])
        return reply

    def tag(self, op: Op) -> Op:
        """``op`` as this builder sends it: naming it, unless it is its program's first."""
        return {**op, BUILDER: self.number} if self.number else op

    def beside(self) -> Client:
        """Another builder of this one's program, opened in the same child (a ``builder``
        line); ``Unsupported`` if the child cannot hold several."""
        head = self.head
        opening = next(op for op in operations(head.structure).values() if op.opens)
        try:
            head.call(opening.line(), changes_state=True)
        except Unsupported:
            head.log.pop()
            raise
        sibling = type(self)(self.wire)
        sibling.head, sibling.log, sibling.number = head, head.log, len(head.members)
        head.members.append(sibling)
        return sibling

    def read(self, op: Op) -> dict[str, Any]:
        """A read: the runner asks the same question several ways in a row (``get``, ``in``,
        ``[]``...), and nothing can change in between, so one line answers them all."""
        line = json.dumps(encode_line(op))
        if self._read is not None and self._read[0] == line:
            return self._read[1]
        reply = self.call(op)
        self._read = (line, reply)
        return reply
