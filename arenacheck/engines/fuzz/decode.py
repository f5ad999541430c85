"""The fuzzing engine's half that needs no fuzzer: bytes become a program, one operation at a time,
and programs become the bytes that decode to them.

A coverage-guided fuzzer mutates byte strings; this module reads one as a stream of small
choices. The language is one table, derived from the registry: a *word* per operation, each
field read by the *codec* of its domain (a variable among the lists that exist, a key — often one
the list holds —, a value, a combine form, a record index near the last one or at a recorded one,
...). The decoder reads bytes by the table; the encoder finds, by the same table, the bytes that
read back as a given program — it searches each codec's byte values and keeps the first that
decodes to the wanted field — so the two cannot drift apart. Every byte string is a valid
program: a form is chosen among those valid in the current state (a lookup only after a build),
and missing bytes read as zeros. So no input is wasted, and the program that breaks a law is
exactly the operations applied so far.

``one_input`` is what a fuzz target calls: it runs the bytes against an implementation and, on a
violation, hands the program on and raises, so that libFuzzer records its crash file too: to the
engine that started the target (``$ARENACHECK_FOUND``: it takes the program down the failure
path), or, in a target run on its own (ClusterFuzzLite, OSS-Fuzz), down the failure path here,
written under ``$ARENACHECK_FAILURES`` (``arenacheck-failures``).
"""

from __future__ import annotations

import json
import math
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from arenacheck.callbacks import COMBINES, FAILING, FNS
from arenacheck.domains import HUGE_HANDLE, U32_EDGES
from arenacheck.drive import Drive, drive
from arenacheck.failure import report
from arenacheck.implementation import Implementation
from arenacheck.ledger import dump_entries
from arenacheck.ops import Operation, changes, operations
from arenacheck.ops.alist.bad_handle import CALLS
from arenacheck.ops.draw import CONTAINER_VALUES, OBJECT_VALUES, SCALAR_VALUES, may_overflow
from arenacheck.program import Program
from arenacheck.report import DEFAULT_OUT, write_failure, write_sequence
from arenacheck.sessions.alist import AlistSession
from arenacheck.sessions.base import Session
from arenacheck.sessions.intervals import IntervalSession
from arenacheck.strict import NONE, Strictness, parse
from arenacheck.structures import Op, Structure
from arenacheck.targets import ImplSpec
from arenacheck.values import encode_line, fresh, same_value
from arenacheck.verdicts import Stats, Verdict, Violation, ViolationFound, short

MAX_OPS = 64
LONG_RUN = 2000
FAILURES_ENV = "ARENACHECK_FAILURES"
#: Where a target started by the fuzz engine hands a violation's program over (unshrunk), with
#: the programs the target ran before it as a program sequence.
FOUND_ENV = "ARENACHECK_FOUND"
STRICT_ENV = "ARENACHECK_STRICT"
#: The file a fuzz target keeps its ledger in (``arenacheck.ledger``), for the process that
#: started it: rewritten every ``LEDGER_EVERY`` seconds and before a violation ends the target.
LEDGER_ENV = "ARENACHECK_LEDGER"
LEDGER_EVERY = 1.0
INT64_MAX = 2**63 - 1
TOP = 2**32 - 1

VALUES: list[Any] = [0, 1, -1, 2, 3, 257, 300, 10**6, -(2**62), 2**62, None]
STEPS = [1, 1, 2, -1, 3, -5]
BAD_HANDLES: list[Any] = [-1, True, False, "3", 1.5, -HUGE_HANDLE, HUGE_HANDLE]
#: Record indices, scopes and lookups no interval map accepts.
BAD_U32: list[Any] = [-1, 2**32, True, False, "3", 1.5, None, -HUGE_HANDLE]


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


@dataclass
class Context:
    """What a codec may look at: the session (the lists that exist, the records so far) and the
    fields of the operation decoded before this one."""

    session: Session
    op: dict[str, Any] = field(default_factory=dict)

    @property
    def alists(self) -> AlistSession:
        assert isinstance(self.session, AlistSession)
        return self.session

    @property
    def maps(self) -> IntervalSession:
        assert isinstance(self.session, IntervalSession)
        return self.session

    def live(self) -> list[int]:
        """The variables an operation may name: defined by an operation that did not fail."""
        return self.alists.live()

    def present(self) -> list[Any]:
        """The keys of the list the operation works on (its ``src`` or ``var``)."""
        of = self.op.get("src", self.op.get("var"))
        items = self.alists.contents(of) if of is not None else None
        return [k for k, _ in items or []]

    def recorded(self) -> list[int]:
        return [i for i, _ in self.maps.records]


#: A codec reads one byte as a field's value, given the context.
Codec = Callable[[int, Context], Any]


def pick(options: list[Any]) -> Codec:
    return lambda b, ctx: options[b % len(options)]


def _var(b: int, ctx: Context) -> Any:
    live = ctx.live()
    return live[b % len(live)]


def _key(b: int, ctx: Context) -> Any:
    """A key: small ints, a key the list holds (when it holds any), the top of the key range,
    a key of another order (``TYPED_KEYS``: on ``EMPTY`` a list of that order, on a list of
    ints the comparison's ``TypeError``, SPEC §2.2), or a string."""
    if b == 255:
        return "k"
    if b == 254:
        return INT64_MAX
    if b >= 240:
        return TYPED_KEYS[b - 240]
    present = ctx.present()
    if b >= 192 and present:
        return present[b % len(present)]
    return b - 8


#: The keys bytes 240 to 253 stand for: strings, floats (one equal to an int), a bool, ints
#: beyond 64 bits and tuples.
TYPED_KEYS: list[Any] = [
    "a", "ab", "\xe9", "\u2603", 0.5, 1.0, 2.5, True, math.inf, 2**64, -(2**64) - 1, (1,),
    (1, "a"), (2,),
]  # fmt: skip
#: The values a byte of 192 or more stands for: SPEC §2's other kinds (``ops.draw``'s palettes).
TYPED_VALUES: list[Any] = [*SCALAR_VALUES, *CONTAINER_VALUES, *OBJECT_VALUES]


def _value(b: int, ctx: Context) -> Any:
    """An int (or ``None``) for bytes below 192, else a value of another kind (a fresh copy)."""
    if b < 192:
        return VALUES[b % len(VALUES)]
    return fresh(TYPED_VALUES[(b - 192) % len(TYPED_VALUES)])


def _combine(b: int, ctx: Context) -> Any:
    """A combine form; ``add``/``sub`` become ``left`` where a result could leave 64 bits."""
    form = [*COMBINES, *FAILING][b % (len(COMBINES) + len(FAILING))]
    if form in ("add", "sub") and may_overflow(ctx.alists, ctx.op["a"], ctx.op["b"]):
        return "left"
    return form


def _count(b: int, ctx: Context) -> Any:
    """1 to 16 keys, or (byte 255, for an increasing run from ``EMPTY`` only: law 6 at a bounded
    cost) a long run."""
    long = b == 255 and ctx.op.get("src") == 0 and ctx.op.get("step", 0) > 0
    return LONG_RUN if long else 1 + b % 16


def _index(b: int, ctx: Context) -> Any:
    """Mostly a step from the last record (back a little, or on); near or at any recorded index;
    sometimes at or just past a width's edge (``U32_EDGES``); rarely a value outside the
    domain."""
    recorded = ctx.recorded()
    if b >= 248:
        return BAD_U32[b - 248]
    if b >= 232:
        return min(TOP, U32_EDGES[b % 8] + (b - 232) // 8)
    if b < 64 or not recorded:
        last = recorded[-1] if recorded else 0
        return min(TOP, max(0, last + b % 16 - 3))
    near = recorded[b % len(recorded)]
    return near if b >= 128 else min(TOP, max(0, near + b % 7 - 3))


def _scope(b: int, ctx: Context) -> Any:
    """A small scope, or (bytes 240-247) one at a width's edge; for an index recorded already,
    mostly its scope again, sometimes any small scope (bytes 0-3: a conflict unless it is the
    same) or another one (255); rarely a value outside the domain."""
    scopes = dict(ctx.maps.records)
    index = ctx.op.get("index")
    if type(index) is int and index in scopes:
        return b if b < 4 else scopes[index] ^ (1 if b == 255 else 0)
    if b >= 248:
        return BAD_U32[b - 248]
    return U32_EDGES[b - 240] if b >= 240 else b % 4


#: The codec of each domain of the language.
CODECS: dict[str, Codec] = {
    "var": _var,
    "key": _key,
    "value": _value,
    "start": lambda b, ctx: b - 128,
    "step": pick(STEPS),
    "count": _count,
    "after": lambda b, ctx: b % 4,
    "combine": _combine,
    "fn": pick(list(FNS)),
    "call": pick(list(CALLS)),
    "position": lambda b, ctx: 1 + b % 2,
    "bad handle": pick(BAD_HANDLES),
    "index": _index,
    "scope": _scope,
}


@dataclass(frozen=True)
class Word:
    """One operation in the byte language: its fields in reading order, each with its codec and
    whether it may be left out (one byte first says: even, left out)."""

    op: Operation
    fields: tuple[tuple[str, Codec, bool], ...]
    weight: int

    def available(self, ctx: Context) -> bool:
        """Whether the operation is valid now (``Operation.available``: an interval-map read
        needs a map)."""
        return self.op.available(ctx.session)

    def allowed(self, name: str, ctx: Context) -> bool:
        other = self.op.only_with.get(name)
        return other is None or ctx.op.get(other[0]) == other[1]


def word(operation: Operation, weight: int) -> Word:
    """An operation's word: its fields in the operation's order (which puts every field after
    the ones its codec looks at: a key after its list, ``count`` after ``src`` and ``step``)."""
    fields = tuple(
        (name, CODECS[domain.name], name in operation.optional)
        for name, domain in operation.fields.items()
    )
    return Word(operation, fields, weight)


def words(structure: Structure) -> list[Word]:
    """The byte language: a word per operation of the registry, picked by its ``weight``; made
    again only when the registry changes."""
    made = _WORDS.get(structure)
    if made is None or made[0] != changes():
        found = [word(op, op.weight) for op in operations(structure).values()]
        made = _WORDS[structure] = (changes(), found)
    return made[1]


_WORDS: dict[Structure, tuple[int, list[Word]]] = {}


def _choose(b: int, ctx: Context) -> Word:
    """The word the kind byte ``b`` chooses among those available now, by weight."""
    found = [w for w in words(ctx.session.structure) if w.available(ctx)]
    at = b % sum(w.weight for w in found)
    for w in found:
        if at < w.weight:
            return w
        at -= w.weight
    raise AssertionError("weights add up")


def decode_op(choices: Choices, session: Session) -> dict[str, Any]:
    """The next operation the bytes say, valid in the session's state."""
    ctx = Context(session)
    chosen = _choose(choices.byte(), ctx)
    ctx.op["op"] = chosen.op.name
    for name, codec, optional in chosen.fields:
        if not chosen.allowed(name, ctx) or (optional and choices.byte() % 2 == 0):
            continue
        ctx.op[name] = codec(choices.byte(), ctx)
    return ctx.op


# --- Running bytes ------------------------------------------------------------------------------


def _decoded(choices: Choices) -> Callable[[Drive], Iterator[Op]]:
    """The operations the bytes say, each decoded in the state the ones before it left; then
    what each operation ends a program with (``Operation.finish``: a build an interval program
    has not had)."""

    def stream(run: Drive) -> Iterator[Op]:
        count = 0
        while choices.left and count < MAX_OPS:
            count += 1
            yield decode_op(choices, run.session)
        for operation in operations(run.structure).values():
            yield from operation.finish(run.session)  # (a map's program ends with its build)

    return stream


def run_bytes(
    structure: Structure, data: bytes, impl: object, strict: Strictness = NONE
) -> Verdict:
    """Decode ``data`` into a program while running it; the verdict holds that program."""
    return drive(structure, _decoded(Choices(data)), impl, strict)


def target_impl() -> Implementation:
    """The implementation a fuzz target checks: ``$ARENACHECK_IMPL_CMD`` or ``$ARENACHECK_IMPL``,
    else the bundled one."""
    return ImplSpec.from_env().load()


def target_strict() -> Strictness:
    """The strict decisions a fuzz target holds the implementation to: ``$ARENACHECK_STRICT``."""
    return parse((os.environ.get(STRICT_ENV) or "").split(","))


class Kept:
    """What a fuzz target exercised so far (every input's checks), when it last wrote it, and
    the programs it ran last (a violation that needs them is reported with them)."""

    stats = Stats()
    written = 0.0
    recent: ClassVar[deque[Program]] = deque(maxlen=200)

    @classmethod
    def add(cls, verdict: Verdict, now: bool = False) -> None:
        cls.stats.add(verdict.stats)
        if verdict.violation is None:
            cls.recent.append(verdict.program)
        path = os.environ.get(LEDGER_ENV)
        if path and (now or time.monotonic() - cls.written >= LEDGER_EVERY):
            cls.written = time.monotonic()
            text = dump_entries(cls.stats)
            Path(path + ".new").write_text(text)
            os.replace(path + ".new", path)


def hand_over(program: Program, violation: Violation, folder: Path) -> None:
    """Hand a violation to the engine that started this target: the program, the violation as
    seen here, and the programs this process ran before it (a program sequence)."""
    write_failure(program, violation.law, folder)
    seen = {
        "line": violation.line,
        "op": encode_line(violation.op),
        "law": violation.law,
        "expected": short(violation.expected),
        "actual": short(violation.actual),
        "detail": violation.detail,
    }
    (folder / "violation.json").write_text(json.dumps(seen, default=repr))
    if Kept.recent:
        write_sequence([*Kept.recent, program], "before", folder / "before")


def one_input(
    structure: Structure, data: bytes, impl: Implementation, strict: Strictness = NONE
) -> None:
    """A fuzz target's body: on a violation, hand the program on and raise ``ViolationFound``."""
    verdict = run_bytes(structure, data, impl, strict)
    Kept.add(verdict, now=verdict.violation is not None)
    if verdict.violation is None:
        return
    found = os.environ.get(FOUND_ENV)
    if found:  # the engine that started this target takes it down the failure path
        hand_over(verdict.program, verdict.violation, Path(found))
        print(f"\narenacheck: violation ({verdict.violation.law})", flush=True)
    else:
        out = Path(os.environ.get(FAILURES_ENV) or DEFAULT_OUT)
        failure = report(
            verdict.program,
            verdict.violation,
            impl,
            out,
            ImplSpec.from_env(),
            strict,
            budget=20.0,
            before=list(Kept.recent),
        )
        print("\n".join(["", failure.violation.describe(), *failure.describe("")]), flush=True)
    raise ViolationFound(verdict.violation, verdict.program)


# --- Seeds: programs encoded as the bytes that decode to them -----------------------------------


def encode_op(op: Op, session: Session) -> list[int] | None:
    """Bytes that decode to ``op`` in the session's state, by the same table; None if the byte
    language cannot say it (a key or value it has no byte for, say)."""
    ctx = Context(session)
    for kind in range(256):
        chosen = _choose(kind, ctx)
        if chosen.op.name == op["op"]:
            break
    else:
        return None
    out = [kind]
    ctx.op["op"] = chosen.op.name
    for name, codec, optional in chosen.fields:
        if not chosen.allowed(name, ctx):
            continue
        if optional:
            out.append(1 if name in op else 0)
            if name not in op:
                continue
        if name not in op:
            return None
        found = next((b for b in range(256) if same_value(codec(b, ctx), op[name])), None)
        if found is None:
            return None
        out.append(found)
        ctx.op[name] = op[name]
    return out if set(ctx.op) == set(op) else None


def encode(program: Program, impl: object = None) -> bytes:
    """Bytes that decode (with ``run_bytes``) to ``program``, less the operations the byte
    language cannot express; those are dropped (and the ones after them renumbered by the
    decoder's own choice of variables). The program runs on ``impl`` meanwhile, for the state
    the decoder reads (the model by default; an operation the model's builder has no call for
    needs an implementation that has one). Used to seed the fuzzers with real programs: the
    regression corpus, the stateful engine's examples and traced code."""
    import arenacheck.model as model

    out = bytearray()
    run = Drive(program.structure, model if impl is None else impl)
    for op in program.ops:
        chunk = encode_op(op, run.session)
        if chunk is None:
            continue
        decoded = decode_op(Choices(bytes(chunk)), run.session)
        if encode_line(decoded) != encode_line(op):  # (by encoding: a NaN is a NaN there)
            continue  # the byte language reads these bytes differently here: leave it out
        try:
            run.step(decoded)
        except ViolationFound:
            break
        out += bytes(chunk)
    return bytes(out)
