"""Implementations in another process: the client end of SPEC §4's protocol (``--impl-cmd``).

``External(cmd)`` looks to the runner like an implementation module (``ListBuilder``, ``EMPTY``,
``IntervalMapBuilder``), but every call it receives becomes one operation line written to a child
process, and the child's one-line reply becomes the call's return value or typed error. So the
runner checks an external implementation with exactly the code that checks a Python one; the
only thing the protocol cannot show is how often a callback was called (see docs/external.md).

The child holds one program's builders at a time: its first, and those the program opens beside
it (version 3: ``{"op": "builder"}``, then lines that name one, ``"builder": N``; a child that
cannot hold several answers the opening line unsupported). A header line starts a new program
(that is the reset between programs, so one process serves many programs); another builder
(the order-independence check makes one) takes the wire by sending a header and replaying its own
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

import itertools
import json
from collections.abc import Sequence
from functools import partial
from typing import Any

from arenacheck import laws
from arenacheck.domains import VAR
from arenacheck.errors import Unsupported
from arenacheck.implementation import Run, feature
from arenacheck.ops import Operation, changes, operations
from arenacheck.protocol.child import DEFAULT_TIMEOUT, Child
from arenacheck.protocol.wire import Client, ExternalHandle, Wire
from arenacheck.structures import Op, Structure
from arenacheck.values import encode_line

__all__ = ["DEFAULT_TIMEOUT", "External", "ExternalHandle"]


# --- Builder calls as operation lines ------------------------------------------------------------

#: The client's call for a handle that is not one of its lists (the bad-handle operation's).
BAD_CALL = "(bad handle)"


def _table(structure: Structure) -> dict[str, Operation]:
    """The operation each builder call is made by (``Operation.calls``), from the registry:
    remade when it changes, so a call a user's operation declares crosses the protocol too."""
    made = _TABLES.get(structure)
    if made is None or made[0] != changes():
        table = {call: op for op in operations(structure).values() for call in op.calls}
        made = _TABLES[structure] = (changes(), table)
    return made[1]


_TABLES: dict[Structure, tuple[int, dict[str, Operation]]] = {}


class Calls(Client):
    """A builder on the far side whose calls are the registry's: ``method(*args)`` becomes the
    line of the operation that declares it (``Operation.remote``)."""

    def operation(self, method: str) -> Operation:
        return _table(self.structure)[method]

    def __getattr__(self, name: str) -> Any:
        """A call the registry knows but this class does not spell out (a user's operation):
        made on the far side, its reply by its shape."""
        if name.startswith("_") or name not in _table(self.structure):
            raise AttributeError(name)
        return partial(self.made, name)

    def made(self, method: str, *args: Any) -> Any:
        op = self.operation(method)
        reply = self.read(op.remote(method, self.wire_var, args))
        return reply.get("value")

    def wire_var(self, h: Any) -> Any:
        return h


# --- Association lists --------------------------------------------------------------------------


class ExternalLists(Calls):
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

    def wire_var(self, h: Any) -> Any:
        return self._var(h)

    def _bad(self, op: Operation, method: str, handle: Any, position: int = 1) -> Any:
        """A call with a handle that is not ours: sent as such (it must raise InvalidHandle, or
        BuilderFinished; success is the runner's to judge). The call is named as the
        bad-handle operation names it: the operation that makes a list, or the read."""
        call = op.name if op.defines else method
        bad = self.operation(BAD_CALL)
        self.call(bad.remote(BAD_CALL, self._var, (call, handle, position)))
        return None

    def _handles_ok(self, op: Operation, method: str, args: tuple[Any, ...]) -> Any:
        """None when every handle among ``args`` is ours; else the bad-handle call's result."""
        handles = [a for f, a in zip(op.fields, args, strict=False) if op.fields[f] is VAR]
        for position, h in enumerate(handles, 1):
            if self._var(h) is None:
                return (self._bad(op, method, h, position),)
        return None

    def _list(self, op: Op, changes_state: bool) -> tuple[Any, list[tuple[Any, Any]]]:
        reply = self.call(op, changes_state)
        items = [(k, v) for k, v in reply["items"]]
        return reply["handle"], items

    def made(self, method: str, *args: Any) -> Any:
        """A list-producing call (or a user's read): its operation's line; a list it defines
        becomes the next wire variable."""
        op = self.operation(method)
        refused = self._handles_ok(op, method, args)
        if refused is not None:
            return refused[0]
        line = op.remote(method, self._var, args)
        if not op.defines:
            return self.read(line).get("value")
        self.defined += 1
        wire = self.defined
        raw, items = self._list(line, changes_state=True)
        self._last = (wire, items)
        return ExternalHandle(wire, raw)

    # SPEC's builder calls.

    def entry(self, h: Any, key: Any) -> ExternalEntry:
        return ExternalEntry(self, h, key)

    def insert(self, h: Any, key: Any, value: Any = None) -> Any:
        return self.made("insert", h, key, value)

    def intersect_with(self, h1: Any, h2: Any, combine: Any) -> Any:
        return self.made("intersect_with", h1, h2, combine)

    def union_with(self, h1: Any, h2: Any, combine: Any) -> Any:
        return self.made("union_with", h1, h2, combine)

    def intersect(self, h1: Any, h2: Any) -> Any:
        return self.made("intersect", h1, h2)

    def union(self, h1: Any, h2: Any) -> Any:
        return self.made("union", h1, h2)

    def build(self) -> ExternalLists:
        self.call(self.operation("build").remote("build", self._var, ()), changes_state=True)
        return self

    def insert_run(self, h: Any, keys: range, value: Any) -> Run | None:
        """A run of inserts in one line: each step's handle and cells come back in ``steps``.

        None (the runner then sends one insert per key) if the handle is not ours or the child
        does not support the run; the child is then reset to forget the line.
        """
        src = self._var(h)
        if src is None or not self.wire.extend:
            return None
        op = self.operation("insert_run").remote("insert_run", self._var, (h, keys, value))
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
            self.wire.child.fail(laws.PROTOCOL_MALFORMED, json.dumps(encode_line(op)), got)
        handles = [ExternalHandle(-1, raw) for raw, _ in steps]  # only compared, never read
        handles[-1] = ExternalHandle(self.defined, reply["handle"])
        totals = [before, *(cells for _, cells in steps)]
        return Run(handles, [b - a for a, b in itertools.pairwise(totals)], None)

    # Reads: one list line answers all four list reads of a variable.

    def _read_line(self, method: str, h: Any, *rest: Any) -> Op:
        return self.operation(method).remote(method, self._var, (h, *rest))

    def _items(self, h: Any, method: str) -> list[tuple[Any, Any]] | None:
        var = self._var(h)
        if var is None:
            return self._bad(self.operation(method), method, h)  # type: ignore[no-any-return]
        if var in self._fetched:
            return list(self._fetched[var])
        if self._last is None or self._last[0] != var:
            _, items = self._list(self._read_line("items", h), changes_state=False)
            self._last = (var, items)
        return list(self._last[1])

    def prefetch(self, handles: list[Any]) -> None:
        """Read many lists in one pipelined exchange (the end-of-program persistence reads).
        A reply that is an error is not kept: the read itself then asks again and raises."""
        wanted = sorted({var for h in handles if (var := self._var(h))})
        self.wire.own(self)
        by_var = {self._var(h): h for h in handles if self._var(h)}
        lines = [self.tag(self._read_line("items", by_var[var])) for var in wanted]
        texts = [json.dumps(encode_line(line)) for line in lines]
        self._fetched.clear()
        answers = self.wire.child.exchange_many(texts)
        for var, line, sent, text in zip(wanted, lines, texts, answers, strict=True):
            reply = self.wire.decoded(sent, self.wire.check("alist", sent, line["op"], text))
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
        if self._var(h) is None:
            return self._bad(self.operation("get"), "get", h)
        reply = self.read(self._read_line("get", h, key))
        return reply["value"] if reply["found"] else default

    def contains(self, h: Any, key: Any) -> Any:
        if self._var(h) is None:
            return self._bad(self.operation("contains"), "contains", h)
        return self.read(self._read_line("contains", h, key))["found"]

    @property
    def cell_count(self) -> int:
        if self._cells is None:
            self._items(None, "items")  # any list reply carries the arena's cell count
        assert self._cells is not None
        return self._cells


class ExternalEntry:
    """``b.entry(h, key)`` on the far side."""

    def __init__(self, lists: ExternalLists, h: Any, key: Any) -> None:
        self.lists, self.h, self.key = lists, h, key

    def or_insert(self, value: Any) -> Any:
        return self.lists.made("or_insert", self.h, self.key, value)

    def replace(self, value: Any) -> Any:
        return self.lists.made("replace", self.h, self.key, value)

    def or_insert_with(self, fn: Any) -> Any:
        return self.lists.made("or_insert_with", self.h, self.key, fn)


# --- Interval maps ------------------------------------------------------------------------------


class ExternalIntervals(Calls):
    """An ``IntervalMapBuilder`` in the child."""

    structure: Structure = "intervals"

    def record(self, index: Any, scope: Any) -> None:
        line = self.operation("record").remote("record", self.wire_var, (index, scope))
        self.call(line, changes_state=True)

    def build(self) -> ExternalMap:
        self.call(self.operation("build").remote("build", self.wire_var, ()), changes_state=True)
        return ExternalMap(self)


class ExternalMap:
    """The built map: each read is one line of the operation that reads it."""

    def __init__(self, builder: ExternalIntervals) -> None:
        self.builder = builder

    def _read(self, method: str, *args: Any) -> dict[str, Any]:
        op = self.builder.operation(method)
        return self.builder.read(op.remote(method, self.builder.wire_var, args))

    def _scope(self, method: str, index: Any) -> Any:
        return self._read(method, index)["scope"]

    def get(self, index: Any, default: Any = None) -> Any:
        scope = self._scope("get", index)
        return default if scope is None else scope

    def __contains__(self, index: Any) -> bool:
        return self._scope("__contains__", index) is not None

    def __getitem__(self, index: Any) -> Any:
        scope = self._scope("__getitem__", index)
        if scope is None:
            raise KeyError(index)
        return scope

    def intervals(self) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._read("intervals")["intervals"]]

    def __len__(self) -> int:
        return len(self._read("__len__")["intervals"])


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

    @staticmethod
    def beside(structure: Structure, builder: Any) -> Any:
        """A builder opened beside ``builder`` in the same child (``Unsupported`` if it cannot)."""
        return builder.beside()

    def supports(self, feature: str) -> bool:
        """False for features (``implementation.feature``) the child answered unsupported."""
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
