"""Implementations in another process: the client end of SPEC §4's protocol (``--impl-cmd``).

``External(cmd)`` looks to the runner like an implementation module (``ListBuilder``, ``EMPTY``,
``IntervalMapBuilder``), but every call it receives becomes one operation line written to a child
process, and the child's one-line reply becomes the call's return value or typed error. So the
runner checks an external implementation with exactly the code that checks a Python one; the
only thing the protocol cannot show is how often a callback was called (see docs/external.md).

The child holds one builder at a time. A header line starts a new one (that is the reset between
programs, so one process serves many programs); a second builder of the same program (the
order-independence check makes one) takes the wire by sending a header and replaying its own
state-changing lines, which must get the same replies again — up to the names of lists: a new
builder may number its handles differently (a counter across builders is the implementation's
choice), so the client renames them to the ones the runner already holds.

A reply that is late, malformed, or never comes because the child died is not an error of the
implementation's API but of the protocol: it raises ``ProtocolFailure``, which the runner reports
as a violation of its own kind, with the line sent and the tail of the child's stderr. The child
is then killed and restarted for the next program; it is never left running. What the protocol
adds to an implementation — one-step runs, pipelined reads, operations it cannot run, handles it
names itself — ``External`` declares as the capabilities of ``arenacheck.implementation``.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import os
import select
import shlex
import subprocess
import tempfile
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, NoReturn

from arenacheck import laws
from arenacheck.errors import (
    KINDS,
    ImplementationLoadError,
    ProtocolFailure,
    ReentrantCall,
    UnnamedError,
    Unsupported,
)
from arenacheck.implementation import Run
from arenacheck.vocabulary import OPERATIONS, Callback, Op, Structure, feature

DEFAULT_TIMEOUT = 10.0
#: The header every builder starts with; version 2 because the runner may send any operation of
#: docs/programs.md (an adapter answers what it cannot do with ``{"unsupported": true}``).
VERSION = 2


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


# --- The child process --------------------------------------------------------------------------


class Child:
    """One child process and its pipes; restarted on demand after a failure."""

    def __init__(self, command: str, timeout: float) -> None:
        try:
            self.argv = shlex.split(command)
        except ValueError as err:
            raise ImplementationLoadError(f"--impl-cmd {command!r}: {err}") from None
        if not self.argv:
            raise ImplementationLoadError("--impl-cmd is empty")
        self.command, self.timeout = command, timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.stderr: IO[bytes] | None = None
        self.buffer = b""
        self.lines = 0  # lines written, for throughput reports
        self.starts = 0

    def start(self) -> None:
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the child
        try:
            self.process = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
                bufsize=0,
            )
        except OSError as err:
            message = f"cannot start --impl-cmd {self.command!r}: {err.strerror or err}"
            raise ImplementationLoadError(message) from None
        self.buffer = b""
        self.starts += 1
        _CHILDREN.add(self)

    def stop(self) -> None:
        """Kill the child (if running) and forget it; the next write starts a new one."""
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()
        _CHILDREN.discard(self)

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter exit, modules may be gone
            self.stop()

    def write(self, line: str) -> None:
        if self.process is None:
            self.start()
        assert self.process is not None and self.process.stdin is not None
        self.lines += 1
        try:
            self.process.stdin.write(line.encode() + b"\n")
        except OSError:
            self.fail(laws.PROTOCOL_EXITED, line, self._exit())

    def exchange(self, line: str) -> str:
        """Write one line and return the one reply line, within the timeout."""
        self.write(line)
        return self.read_reply(line)

    def exchange_many(self, lines: list[str], chunk: int = 64) -> list[str]:
        """Replies to many lines, pipelined: a chunk of short request lines always fits in the
        pipe, so writing it cannot block while the child waits for us to read its replies."""
        replies = []
        for start in range(0, len(lines), chunk):
            batch = lines[start : start + chunk]
            for line in batch:
                self.write(line)
            replies += [self.read_reply(line) for line in batch]
        return replies

    def read_reply(self, line: str) -> str:
        """The next reply line (to ``line``), within the timeout."""
        assert self.process is not None and self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + self.timeout
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            ready = select.select([fd], [], [], max(0.0, remaining))[0] if remaining > 0 else []
            if not ready:
                self.fail(laws.PROTOCOL_TIMEOUT, line, f"no reply within {self.timeout:g} s")
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                self.fail(laws.PROTOCOL_EXITED, line, self._exit())
            self.buffer += chunk
        reply, _, self.buffer = self.buffer.partition(b"\n")
        return reply.decode(errors="replace")

    def _exit(self) -> str:
        assert self.process is not None
        try:
            status = self.process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            return "its stdout closed (the process is still running)"
        return f"the process exited with status {status} (no reply)"

    def fail(self, law: str, sent: str, got: str) -> NoReturn:
        stderr = self.stderr_tail()
        self.stop()
        raise ProtocolFailure(law, sent, got, stderr)

    def stderr_tail(self, limit: int = 600) -> str:
        if self.stderr is None:
            return ""
        self.stderr.seek(0, os.SEEK_END)
        size = self.stderr.tell()
        self.stderr.seek(max(0, size - limit))
        text = self.stderr.read().decode(errors="replace").strip()
        return ("..." if size > limit else "") + " | ".join(text.splitlines())


_CHILDREN: weakref.WeakSet[Child] = weakref.WeakSet()


@atexit.register
def _stop_children() -> None:
    for child in list(_CHILDREN):
        child.stop()


# --- Replies ------------------------------------------------------------------------------------


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
#: Each operation's reply shape, from the vocabulary (``build`` answers ``{}`` for both).
REPLY_SHAPE = {name: op.reply for ops in OPERATIONS.values() for name, op in ops.items()}


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

    def call(self, client: Client, op: Op) -> dict[str, Any]:
        """Send ``op`` for ``client`` and return its checked reply (errors included)."""
        if self.owner is not client or self.child.process is None:
            self.take(client)
        line = json.dumps(op)
        return self.check(line, op["op"], self.child.exchange(line))

    def take(self, client: Client) -> None:
        """Give the child to ``client``: a header, then its earlier state-changing lines, whose
        replies must say what they said before (``same_reply``)."""
        self.owner = None
        self.child.write(json.dumps({"program": client.structure, "version": VERSION}))
        renamed: dict[int, Any] = {}
        for line, reply in client.log:
            again = self.check(line, json.loads(line)["op"], self.child.exchange(line))
            if not same_reply(reply, again, renamed):
                got = f"{json.dumps(again)} this time, {json.dumps(reply)} before"
                self.child.fail(laws.PROTOCOL_MALFORMED, line, f"replaying the builder: {got}")
        client.rename = renamed
        self.owner = client

    def check(self, line: str, name: str, text: str) -> dict[str, Any]:
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
        shape, ok = SHAPES[REPLY_SHAPE.get(name, "none")]
        if not ok(reply):
            self.child.fail(laws.PROTOCOL_MALFORMED, line, f"{text!r} (expected {shape})")
        return reply


class Client:
    """One builder on the far side: its state-changing lines (for replays) and its wire."""

    structure: Structure

    def __init__(self, wire: Wire) -> None:
        self.wire = wire
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
        reply = self.wire.call(self, op)
        if "handle" in reply:
            reply = {**reply, "handle": self.handle(reply["handle"])}
        if reply.get("steps"):
            reply = {**reply, "steps": [[self.handle(h), n, *r] for h, n, *r in reply["steps"]]}
        if changes_state:
            self.log.append((json.dumps(op), reply))
        if reply.get("unsupported") is True:
            self.wire.unsupported.add(feature(op))
            raise Unsupported(op)
        if "error" in reply:
            raise error_from(reply["error"])
        return reply

    def read(self, op: Op) -> dict[str, Any]:
        """A read: the runner asks the same question several ways in a row (``get``, ``in``,
        ``[]``...), and nothing can change in between, so one line answers them all."""
        line = json.dumps(op)
        if self._read is not None and self._read[0] == line:
            return self._read[1]
        reply = self.call(op)
        self._read = (line, reply)
        return reply


# --- Association lists --------------------------------------------------------------------------


class ExternalLists(Client):
    """A ``ListBuilder`` (and, after ``build()``, its ``ListStorage``) in the child.

    Handles become wire variables: the n-th list-producing line defines variable n on both ends,
    whether or not it succeeds (docs/programs.md), so the runner's handles map to lines exactly.
    """

    structure: Structure = "alist"

    def __init__(self, wire: Wire) -> None:
        super().__init__(wire)
        self.defined = 0
        self._cells: int | None = 0
        self._last: tuple[int, list[tuple[Any, Any]]] | None = None  # the freshest list read
        self._fetched: dict[int, list[tuple[Any, Any]]] = {}  # by prefetch, until the next call

    def call(self, op: Op, changes_state: bool = False) -> dict[str, Any]:
        self._cells, self._last = None, None
        self._fetched.clear()
        reply = super().call(op, changes_state)
        if "cells" in reply:
            self._cells = reply["cells"]
        return reply

    @staticmethod
    def _var(h: Any) -> int | None:
        """The wire variable of a handle; None for anything that is not a handle of ours."""
        if h is None:
            return 0
        return h.wire if isinstance(h, ExternalHandle) else None

    def _bad(self, call: str, handle: Any, position: int = 1) -> Any:
        op: dict[str, Any] = {"op": "bad_handle", "call": call, "handle": handle}
        if call in ("intersect", "union"):
            op["position"] = position
        self.call(
            op
        )  # must raise InvalidHandle (or BuilderFinished); success is the runner's to judge
        return None

    def _list(self, op: Op, changes_state: bool) -> tuple[Any, list[tuple[Any, Any]]]:
        reply = self.call(op, changes_state)
        items = [(k, v) for k, v in reply["items"]]
        return reply["handle"], items

    def _define(self, op: Op) -> Any:
        self.defined += 1
        wire = self.defined
        raw, items = self._list(op, changes_state=True)
        self._last = (wire, items)
        return ExternalHandle(wire, raw)

    # Mutations.

    def entry(self, h: Any, key: Any) -> ExternalEntry:
        return ExternalEntry(self, h, key)

    def insert(self, h: Any, key: Any, value: Any = None) -> Any:
        return self.put("insert", h, key, {"value": value})

    def put(self, call: str, h: Any, key: Any, fields: dict[str, Any]) -> Any:
        src = self._var(h)
        if src is None:
            return self._bad(call, h)
        return self._define({"op": call, "src": src, "key": key, **fields})

    def intersect_with(self, h1: Any, h2: Any, combine: Any) -> Any:
        return self._merge("intersect", h1, h2, combine)

    def union_with(self, h1: Any, h2: Any, combine: Any) -> Any:
        return self._merge("union", h1, h2, combine)

    def intersect(self, h1: Any, h2: Any) -> Any:
        return self._merge("intersect", h1, h2, None)

    def union(self, h1: Any, h2: Any) -> Any:
        return self._merge("union", h1, h2, None)

    def _merge(self, kind: str, h1: Any, h2: Any, combine: Any) -> Any:
        a, b = self._var(h1), self._var(h2)
        if a is None:
            return self._bad(kind, h1, 1)
        if b is None:
            return self._bad(kind, h2, 2)
        op: dict[str, Any] = {"op": kind, "a": a, "b": b}
        if combine is not None:
            op["combine"] = callback_name(combine)
            if op["combine"] == "raise":
                op["after"] = combine.after
        return self._define(op)

    def build(self) -> ExternalLists:
        self.call({"op": "build"}, changes_state=True)
        return self

    def insert_run(self, h: Any, keys: range, value: Any) -> Run | None:
        """An ``extend`` in one line: each step's handle and cells come back in ``steps``.

        None (the runner then sends one ``insert`` per key) if the handle is not ours or the
        child does not support ``extend``; the child is then reset to forget the line.
        """
        src = self._var(h)
        if src is None or not self.wire.extend:
            return None
        op: dict[str, Any] = {"op": "extend", "src": src, "start": keys.start, "step": keys.step}
        op |= {"count": len(keys), "value": value}
        before = self.cell_count
        try:
            reply = self.call(op, changes_state=True)
        except Unsupported:
            self.log.pop()
            self.wire.extend, self.wire.owner = False, None
            self.wire.unsupported.discard(feature(op))  # single inserts stand in for it
            return None
        except Exception as err:
            self.defined += 1
            return Run([], [], err)
        self.defined += 1
        steps = reply["steps"]
        if len(steps) != len(keys):
            got = f"{len(steps)} steps for {len(keys)} keys"
            self.wire.child.fail(laws.PROTOCOL_MALFORMED, json.dumps(op), got)
        handles = [ExternalHandle(-1, raw) for raw, _ in steps]  # only compared, never read
        handles[-1] = ExternalHandle(self.defined, reply["handle"])
        totals = [before, *(cells for _, cells in steps)]
        return Run(handles, [b - a for a, b in itertools.pairwise(totals)], None)

    # Reads: one ``items`` line answers all four list reads of a variable.

    def _items(self, h: Any, call: str) -> list[tuple[Any, Any]] | None:
        var = self._var(h)
        if var is None:
            return self._bad(call, h)  # type: ignore[no-any-return]
        if var in self._fetched:
            return list(self._fetched[var])
        if self._last is None or self._last[0] != var:
            _, items = self._list({"op": "items", "var": var}, changes_state=False)
            self._last = (var, items)
        return list(self._last[1])

    def prefetch(self, handles: list[Any]) -> None:
        """Read many lists in one pipelined exchange (the end-of-program persistence reads).
        A reply that is an error is not kept: the read itself then asks again and raises."""
        wanted = sorted({var for h in handles if (var := self._var(h))})
        if self.wire.owner is not self or self.wire.child.process is None:
            self.wire.take(self)
        lines = [json.dumps({"op": "items", "var": var}) for var in wanted]
        self._fetched.clear()
        for var, line, text in zip(
            wanted, lines, self.wire.child.exchange_many(lines), strict=True
        ):
            reply = self.wire.check(line, "items", text)
            if "items" in reply and "error" not in reply and "unsupported" not in reply:
                self._fetched[var] = [(k, v) for k, v in reply["items"]]

    def items(self, h: Any) -> list[tuple[Any, Any]] | None:
        return self._items(h, "items")

    def items_reverse(self, h: Any) -> list[tuple[Any, Any]] | None:
        items = self._items(h, "items_reverse")
        return None if items is None else items[::-1]

    def keys(self, h: Any) -> list[Any] | None:
        items = self._items(h, "keys")
        return None if items is None else [k for k, _ in items]

    def length(self, h: Any) -> int | None:
        items = self._items(h, "length")
        return None if items is None else len(items)

    def get(self, h: Any, key: Any, default: Any = None) -> Any:
        var = self._var(h)
        if var is None:
            return self._bad("get", h)
        reply = self.read({"op": "get", "var": var, "key": key})
        return reply["value"] if reply["found"] else default

    def contains(self, h: Any, key: Any) -> Any:
        var = self._var(h)
        if var is None:
            return self._bad("contains", h)
        return self.read({"op": "get", "var": var, "key": key})["found"]

    @property
    def cell_count(self) -> int:
        if self._cells is None:
            self._items(None, "items")  # any list reply carries the arena's cell count
        assert self._cells is not None
        return self._cells


def callback_name(fn: object) -> str:
    """The program name of a program's callback; other callables cannot cross the protocol."""
    if not isinstance(fn, Callback):
        raise TypeError(f"an external implementation takes program callbacks only, not {fn!r}")
    return fn.name


class ExternalEntry:
    """``b.entry(h, key)`` on the far side."""

    def __init__(self, lists: ExternalLists, h: Any, key: Any) -> None:
        self.lists, self.h, self.key = lists, h, key

    def or_insert(self, value: Any) -> Any:
        return self.lists.put("insert", self.h, self.key, {"value": value})

    def replace(self, value: Any) -> Any:
        return self.lists.put("replace", self.h, self.key, {"value": value})

    def or_insert_with(self, fn: Any) -> Any:
        if self.lists._var(self.h) is None:
            return self.lists.put("insert_with", self.h, self.key, {})  # a bad handle
        fields = {"value": fn.value if isinstance(fn, Callback) else None, "fn": callback_name(fn)}
        return self.lists.put("insert_with", self.h, self.key, fields)


# --- Interval maps ------------------------------------------------------------------------------


class ExternalIntervals(Client):
    """An ``IntervalMapBuilder`` in the child."""

    structure: Structure = "intervals"

    def record(self, index: Any, scope: Any) -> None:
        self.call({"op": "record", "index": index, "scope": scope}, changes_state=True)

    def build(self) -> ExternalMap:
        self.call({"op": "build"}, changes_state=True)
        return ExternalMap(self)


class ExternalMap:
    """The built map: each read is one ``lookup`` or ``intervals`` line."""

    def __init__(self, builder: ExternalIntervals) -> None:
        self.builder = builder

    def _scope(self, index: Any) -> Any:
        return self.builder.read({"op": "lookup", "index": index})["scope"]

    def get(self, index: Any, default: Any = None) -> Any:
        scope = self._scope(index)
        return default if scope is None else scope

    def __contains__(self, index: Any) -> bool:
        return self._scope(index) is not None

    def __getitem__(self, index: Any) -> Any:
        scope = self._scope(index)
        if scope is None:
            raise KeyError(index)
        return scope

    def intervals(self) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.builder.read({"op": "intervals"})["intervals"]]

    def __len__(self) -> int:
        return len(self.intervals())


# --- The implementation object ------------------------------------------------------------------


class External:
    """An implementation behind ``--impl-cmd``, with the capabilities a process has
    (``arenacheck.implementation.Implementation``)."""

    #: The runner cannot see the child's callback calls, only their results.
    observes_callbacks = False

    def __init__(self, command: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.name = self.__name__ = command
        self.child = Child(command, timeout)
        self.wire = Wire(self.child)
        self.EMPTY = ExternalHandle(0, None)

    def ListBuilder(self) -> ExternalLists:
        return ExternalLists(self.wire)

    def IntervalMapBuilder(self) -> ExternalIntervals:
        return ExternalIntervals(self.wire)

    def supports(self, feature: str) -> bool:
        """False for features (``vocabulary.feature``) the child answered unsupported."""
        return feature not in self.wire.unsupported

    @staticmethod
    def raw_handle(h: Any) -> Any:
        """What the child called the list (the runner checks identity and type on this)."""
        return h.raw if isinstance(h, ExternalHandle) else h

    @staticmethod
    def insert_run(builder: Any, h: Any, keys: range, value: Any) -> Run | None:
        """An ``extend`` in one line, for a builder of ours (None: the runner goes key by key)."""
        return builder.insert_run(h, keys, value) if isinstance(builder, ExternalLists) else None

    @staticmethod
    def prefetch(reader: Any, handles: Sequence[Any]) -> None:
        """The lists about to be read, in one pipelined exchange."""
        if isinstance(reader, ExternalLists):
            reader.prefetch(list(handles))

    def start(self) -> None:
        """Start the child now, so that a command that cannot run is a usage error."""
        if self.child.process is None:
            self.child.start()

    def close(self) -> None:
        self.child.stop()
        self.wire.owner = None
