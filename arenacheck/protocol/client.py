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

import itertools
import json
from collections.abc import Sequence
from typing import Any

from arenacheck import laws
from arenacheck.callbacks import Callback
from arenacheck.errors import Unsupported
from arenacheck.implementation import Run, feature
from arenacheck.protocol.child import DEFAULT_TIMEOUT, Child
from arenacheck.protocol.wire import Client, ExternalHandle, Wire
from arenacheck.structures import Op, Structure

__all__ = ["DEFAULT_TIMEOUT", "External", "ExternalHandle"]


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
            reply = self.wire.check("alist", line, "items", text)
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
