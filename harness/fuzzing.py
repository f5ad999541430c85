"""The fuzzing engine's half that needs no fuzzer: bytes become a program, one operation at a time.

A coverage-guided fuzzer mutates byte strings; this module reads one as a stream of small
choices and turns it, operation by operation, into a program of SPEC §4 that a runner session
applies at once. Every byte string is a valid program: a choice of variable is taken among the
lists that exist and did not fail (the session knows), a lookup before ``build`` is read as a
record, and missing bytes read as zeros. So no input is wasted on a malformed program, and the
program that breaks a law is exactly the operations applied so far.

``one_input`` is what a fuzz target calls: it runs the bytes against an implementation and, on a
violation, shrinks the program, writes it under ``$ARENACHECK_FAILURES`` (``arenacheck-failures``)
and raises, so that libFuzzer records its crash file too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from arenacheck.external import Unsupported
from arenacheck.program import BAD_HANDLE_CALLS, COMBINES_V1, Op, Program, Structure
from arenacheck.runner import (
    AlistSession,
    Implementation,
    IntervalSession,
    Session,
    Verdict,
    ViolationFound,
)
from arenacheck.strict import NONE, Strictness, parse

MAX_OPS = 64
LONG_RUN = 2000
FAILURES_ENV = "ARENACHECK_FAILURES"
STRICT_ENV = "ARENACHECK_STRICT"

VALUES: list[Any] = [0, 1, -1, 2, 3, 257, 300, 10**6, -(2**62), 2**62, None]
STEPS = [1, 1, 2, -1, 3, -5]
COMBINES: list[str | None] = [None, *COMBINES_V1, "raise", "reenter"]
BAD_VALUES: list[Any] = [-1, 2**32, True, False, "3", 1.5, None, -(2**40), 2**40]


class Choices:
    """A byte string read as choices; past its end every choice is 0."""

    def __init__(self, data: bytes) -> None:
        self.data, self.position = data, 0

    @property
    def left(self) -> bool:
        return self.position < len(self.data)

    def byte(self) -> int:
        value = self.data[self.position] if self.position < len(self.data) else 0
        self.position += 1
        return value

    def pick(self, options: list[Any]) -> Any:
        return options[self.byte() % len(options)]


# --- Alist programs -----------------------------------------------------------------------------


def _alist_op(choices: Choices, session: AlistSession, ops: list[Op]) -> dict[str, Any]:
    live = [i for i, var in enumerate(session.vars) if var is not None]

    def var() -> int:
        return int(choices.pick(live))

    def key(of: int) -> Any:
        present = [k for k, _ in session.contents(of) or [] if isinstance(k, int)]
        raw = choices.byte()
        if present and raw >= 192:
            return present[raw % len(present)]
        return raw - 8 if raw != 255 else 2**63 - 1

    kind = choices.byte() % 12
    if kind == 0:
        src = var()
        return {"op": "insert", "src": src, "key": key(src), "value": choices.pick(VALUES[:-1])}
    if kind == 1:
        src = var()
        return {"op": "insert", "src": src, "key": key(src)}
    if kind == 2:
        src = var()
        return {"op": "replace", "src": src, "key": key(src), "value": choices.pick(VALUES[:-1])}
    if kind == 3:
        src = var()
        fn = choices.pick(["value", "raise", "reenter"])
        value = choices.pick(VALUES[:-1])
        return {"op": "insert_with", "src": src, "key": key(src), "value": value, "fn": fn}
    if kind in (4, 5):
        op: dict[str, Any] = {"op": "intersect" if kind == 4 else "union", "a": var(), "b": var()}
        combine = choices.pick(COMBINES)
        if combine in ("add", "sub"):
            combine = "left" if session.may_overflow(op["a"], op["b"]) else combine
        if combine is not None:
            op["combine"] = combine
        if combine == "raise":
            op["after"] = choices.byte() % 4
        return op
    if kind == 6:
        count = choices.byte()
        long = count == 255 and not any(
            op.get("count") == LONG_RUN for op in ops
        )  # one long run a program, in order, from EMPTY: law 6 at a bounded cost
        return {
            "op": "extend",
            "src": 0 if long else var(),
            "start": choices.byte() - 128,
            "step": 1 if long else choices.pick(STEPS),
            "count": LONG_RUN if long else 1 + count % 16,
            "value": choices.pick(VALUES),
        }
    if kind == 7:
        of = var()
        return {"op": "get", "var": of, "key": "k" if choices.byte() == 0 else key(of)}
    if kind == 8:
        return {"op": "items", "var": var()}
    if kind == 9:
        call = choices.pick(list(BAD_HANDLE_CALLS))
        handle = choices.pick([h for h in BAD_VALUES if h is not None and h != 2**32])
        bad: dict[str, Any] = {"op": "bad_handle", "call": call, "handle": handle}
        if call in ("intersect", "union"):
            bad["position"] = 1 + choices.byte() % 2
        return bad
    if kind == 10 and choices.byte() == 0 and not session.built:
        return {"op": "build"}
    src = var()
    return {"op": "insert", "src": src, "key": "k", "value": choices.pick(VALUES[:-1])}


# --- Interval programs --------------------------------------------------------------------------


def _intervals_op(choices: Choices, session: IntervalSession, last: list[int]) -> dict[str, Any]:
    built = session.model_map is not None
    kind = choices.byte() % 8
    recorded = [i for i, _ in session.records]
    if built and kind < 4:
        if kind == 3:
            return {"op": "intervals"}
        near = recorded[choices.byte() % len(recorded)] if recorded else 0
        offset = choices.byte() % 7 - 3
        index = choices.pick(BAD_VALUES) if offset == 3 else near + offset
        return {"op": "lookup", "index": index}
    if kind == 4:
        return {"op": "build"}
    if kind == 5:  # a bad index, with a good scope (below 128) or a bad one
        bad, raw = choices.pick(BAD_VALUES), choices.byte()
        scope = raw % 4 if raw < 128 else BAD_VALUES[raw % len(BAD_VALUES)]
        return {"op": "record", "index": bad, "scope": scope}
    step = choices.byte()
    if kind == 6 and recorded:
        index = recorded[step % len(recorded)]  # again: a duplicate, or (rarely) a conflict
        scope = dict(session.records)[index] + (1 if choices.byte() == 255 else 0)
    else:
        index = max(0, last[0] + step % 16 - 3)  # mostly forward, sometimes back
        scope = choices.byte() % 4
    last[0] = index
    return {"op": "record", "index": min(index, 2**32 - 1), "scope": scope}


# --- Running bytes ------------------------------------------------------------------------------


def run_bytes(
    structure: Structure, data: bytes, impl: Implementation, strict: Strictness = NONE
) -> Verdict:
    """Decode ``data`` into a program while running it; the verdict holds that program."""
    choices = Choices(data)
    ops: list[Op] = []
    session: Session = (
        AlistSession(impl, strict) if structure == "alist" else IntervalSession(impl, strict)
    )
    last = [0]
    try:
        while choices.left and len(ops) < MAX_OPS:
            if isinstance(session, AlistSession):
                op = _alist_op(choices, session, ops)
            else:
                assert isinstance(session, IntervalSession)
                op = _intervals_op(choices, session, last)
            ops.append(op)
            session.apply(op, len(ops) + 1)
        if isinstance(session, IntervalSession) and session.model_map is None:
            ops.append({"op": "build"})
            session.apply(ops[-1], len(ops) + 1)
        session.end(len(ops) + 1)
    except ViolationFound as found:
        return Verdict(Program(structure, ops), found.violation, session.stats)
    except Unsupported:  # an external implementation cannot run the rest: nothing to check
        session.stats.unsupported += 1
    return Verdict(Program(structure, ops), None, session.stats)


def target_impl() -> Implementation:
    """The implementation a fuzz target checks: ``$ARENACHECK_IMPL_CMD`` or ``$ARENACHECK_IMPL``,
    else the bundled one."""
    from arenacheck.loader import ImplSpec

    return ImplSpec.from_env().load()


def target_strict() -> Strictness:
    """The strict decisions a fuzz target holds the implementation to: ``$ARENACHECK_STRICT``."""
    return parse((os.environ.get(STRICT_ENV) or "").split(","))


def one_input(
    structure: Structure, data: bytes, impl: Implementation, strict: Strictness = NONE
) -> None:
    """A fuzz target's body: raise ``ViolationFound`` (after writing its shrunk program)."""
    verdict = run_bytes(structure, data, impl, strict)
    if verdict.violation is None:
        return
    from arenacheck.cli import write_failure
    from arenacheck.shrink import shrink

    program, verdict = shrink(verdict.program, impl, budget=20.0, strict=strict)
    assert verdict.violation is not None
    out = Path(os.environ.get(FAILURES_ENV) or "arenacheck-failures")
    path = write_failure(program, verdict.violation.law, out)
    print(f"\narenacheck: violation; program written to {path}", flush=True)
    raise ViolationFound(verdict.violation, program)


# --- Seeds: programs encoded as the bytes that decode to them -----------------------------------


def encode(program: Program) -> bytes:
    """Bytes that decode (with ``run_bytes``) to ``program``, less the operations the byte
    language cannot express (keys or starts out of its range, counts other than 1 to 16 and 2,000,
    variables defined by failed operations); those are dropped. Used to seed the fuzzers with real
    programs: the regression corpus and the stateful engine's examples."""
    import arenacheck.model as model

    out = bytearray()
    session: Session = (
        AlistSession(model) if program.structure == "alist" else IntervalSession(model)
    )
    ops: list[Op] = []
    last = [0]
    for op in program.ops:
        if isinstance(session, AlistSession):
            chunk = _encode_alist(op, session, ops)
        else:
            assert isinstance(session, IntervalSession)
            chunk = _encode_intervals(op, session, last)
        if chunk is None:
            continue
        choices, saved = Choices(bytes(chunk)), last[0]
        if isinstance(session, AlistSession):
            decoded = _alist_op(choices, session, ops)
        else:
            assert isinstance(session, IntervalSession)
            decoded = _intervals_op(choices, session, last)
        if decoded != op or choices.position != len(chunk):
            last[0] = saved  # the byte language reads these bytes differently here: leave it out
            continue
        try:
            session.apply(decoded, len(ops) + 2)
        except ViolationFound:
            break
        ops.append(decoded)
        out += bytes(chunk)
    return bytes(out)


def _encode_alist(op: Op, session: AlistSession, ops: list[Op]) -> list[int] | None:
    live = [i for i, var in enumerate(session.vars) if var is not None]

    def var(number: int) -> int | None:
        return live.index(number) if number in live else None

    def key(of: int, value: Any) -> int | None:
        present = [k for k, _ in session.contents(of) or [] if isinstance(k, int)]
        if isinstance(value, int) and not isinstance(value, bool) and -8 <= value <= 183:
            return value + 8
        if value in present:  # a present key the byte language reaches, if any (long lists:
            at = present.index(value)  # 64 raw values cannot name every position)
            return next((raw for raw in range(192, 256) if raw % len(present) == at), None)
        return 255 if value == 2**63 - 1 and not present else None

    def index(options: list[Any], value: Any) -> int | None:
        same = [i for i, o in enumerate(options) if o == value and type(o) is type(value)]
        return same[0] if same else None

    name = op["op"]
    parts: list[int | None]
    if name == "insert" and op.get("key") == "k":
        parts = [11, var(op["src"]), index(VALUES[:-1], op.get("value"))]
    elif name == "insert" and "value" not in op:
        parts = [1, var(op["src"]), key(op["src"], op["key"])]
    elif name in ("insert", "replace"):
        kind = 0 if name == "insert" else 2
        parts = [kind, var(op["src"]), key(op["src"], op["key"]), index(VALUES[:-1], op["value"])]
    elif name == "insert_with":
        fn = ["value", "raise", "reenter"].index(op.get("fn", "value"))
        value = index(VALUES[:-1], op["value"])
        parts = [3, var(op["src"]), fn, value, key(op["src"], op["key"])]
    elif name in ("intersect", "union"):
        combine = index(COMBINES, op.get("combine"))
        parts = [4 if name == "intersect" else 5, var(op["a"]), var(op["b"]), combine]
        if op.get("combine") == "raise":
            parts.append(op.get("after", 0) % 4)
    elif name == "extend":
        count, start = op["count"], op["start"] + 128
        if count == LONG_RUN and op["src"] == 0 and op["step"] == 1:
            parts = [6, 255, start, index(VALUES, op["value"])]
        elif 1 <= count <= 16:
            step = STEPS.index(op["step"]) if op["step"] in STEPS else None
            parts = [6, count - 1, var(op["src"]), start, step, index(VALUES, op["value"])]
        else:
            return None
        if not 0 <= start <= 255:
            return None
    elif name == "get":
        if op["key"] == "k":
            parts = [7, var(op["var"]), 0]
        else:
            parts = [7, var(op["var"]), 1, key(op["var"], op["key"])]
    elif name == "items":
        parts = [8, var(op["var"])]
    elif name == "bad_handle":
        handles = [h for h in BAD_VALUES if h is not None and h != 2**32]
        parts = [9, BAD_HANDLE_CALLS.index(op["call"]), index(handles, op["handle"])]
        if op["call"] in ("intersect", "union"):
            parts.append(op.get("position", 1) - 1)
    elif name == "build":
        parts = [10, 0]
    else:
        return None
    if any(p is None or not 0 <= p <= 255 for p in parts):
        return None
    return [int(p) for p in parts if p is not None]


def _encode_intervals(op: Op, session: IntervalSession, last: list[int]) -> list[int] | None:
    recorded = [i for i, _ in session.records]
    name = op["op"]
    if name == "intervals":
        return [3] if session.model_map is not None else None
    if name == "build":
        return [4]
    if name == "lookup":
        index = op["index"]
        if index in BAD_VALUES and not (isinstance(index, int) and index in recorded):
            return [0, 0, 6, BAD_VALUES.index(index)]
        for position, near in enumerate(recorded):
            if isinstance(index, int) and -3 <= index - near <= 2:
                return [0, position, index - near + 3]
        return None
    index, scope = op["index"], op["scope"]
    good = all(isinstance(v, int) and not isinstance(v, bool) for v in (index, scope))
    good = good and 0 <= index < 2**32
    if not good or not 0 <= scope < 4:
        bad = [i for i, v in enumerate(BAD_VALUES) if v == index and type(v) is type(index)]
        if not bad:
            return None
        if isinstance(scope, int) and not isinstance(scope, bool) and 0 <= scope < 4:
            return [5, bad[0], scope]
        scopes = [i for i, v in enumerate(BAD_VALUES) if v == scope and type(v) is type(scope)]
        raws = [raw for raw in range(128, 256) if scopes and raw % len(BAD_VALUES) == scopes[0]]
        return [5, bad[0], raws[0]] if raws else None
    if 0 <= index - last[0] + 3 <= 15:
        return [7, index - last[0] + 3, scope]
    if index in recorded:
        again = dict(session.records)[index]
        if scope in (again, again + 1):
            return [6, recorded.index(index), 255 if scope == again + 1 else 0]
    return None
