"""``extend`` (version 2): ``count`` inserts of an arithmetic run of keys, in one line — long runs
(law 6) cost one line, and shrink as one number."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arenacheck.domains import INT64, VALUE, VAR, Domain, is_int, is_int64
from arenacheck.implementation import Run
from arenacheck.ops.alist.lists import LONG, AlistOperation
from arenacheck.ops.base import Done, Shape, fields
from arenacheck.sessions.alist import Var
from arenacheck.structures import FAILED, Op

if TYPE_CHECKING:
    from arenacheck.interpreter import ListProgram
    from arenacheck.sessions.alist import AlistSession


def _int64(value: object, version: int) -> str | None:
    return None if is_int64(value) else "must be an int in [-2**63, 2**63)"


def _step(value: object, version: int) -> str | None:
    return None if is_int64(value) and value != 0 else "must be a non-zero int"


def _count(value: object, version: int) -> str | None:
    return None if is_int(value) and 1 <= value <= 10**6 else "must be an int in [1, 10**6]"  # type: ignore[operator]


START = Domain("start", _int64)
STEP = Domain("step", _step)
COUNT = Domain("count", _count)


def run_keys(op: Op) -> range:
    """The keys of an ``extend`` line, in order."""
    return range(op["start"], op["start"] + op["count"] * op["step"], op["step"])


def insert_run(builder: Any, reader: Any, handle: Any, keys: range, value: Any) -> Run:
    """An ``extend`` key by key: each insert's handle and cells, and the error that stopped it."""
    run = Run([], [], None)
    before = reader.cell_count
    try:
        for key in keys:
            handle = builder.insert(handle, key, value)
            after = reader.cell_count
            run.handles.append(handle)
            run.cells.append(after - before)
            before = after
    except Exception as err:
        run.error = err
    return run


class Extend(AlistOperation):
    name = "extend"
    required = fields(src=VAR, start=START, step=STEP, count=COUNT, value=VALUE)
    version = 2
    defines = True
    reply = "extend"

    def complaint(self, op: Op, shape: Shape, version: int) -> str | None:
        if not INT64[0] <= run_keys(op)[-1] < INT64[1]:
            return "extend: the run's keys leave [-2**63, 2**63)"
        return None

    def check(self, session: AlistSession, op: Op) -> None:
        """Each side runs the whole loop first (cheap, so long runs shrink fast); then every
        step is compared: where it failed, the cells it allocated, and whether it returned its
        input (a no-op); contents are read once."""
        src = session.var(op["src"])
        keys, value, lists = run_keys(op), op["value"], session.lists
        model = insert_run(lists.model_builder, lists.model_builder, src.model, keys, value)
        impl = session.impl.insert_run(lists.impl_builder, src.impl, keys, value)
        if impl is None:  # no one-step run: key by key
            impl = insert_run(lists.impl_builder, lists.impl_reader, src.impl, keys, value)
        for step in range(min(len(model.handles), len(impl.handles))):
            before = Var(impl.handles[step - 1], model.handles[step - 1], []) if step else src
            session.check_handle([before], model.handles[step], impl.handles[step])
            want, got = model.cells[step], impl.cells[step]
            session.allocation(got, want, exact=True, detail=f"inserting key {keys[step]}")

        def on_open() -> None:
            shadow = session.open_model()
            error = insert_run(shadow, shadow, src.model, keys, value).error
            if error is not None:
                raise error

        session.same_outcome(model.error, impl.error, session.also_applies(model.error, on_open))
        if model.error is not None:
            session.vars.append(None)  # the completed steps' cells stay: legitimate inserts
            return
        var = Var(impl.handles[-1], model.handles[-1], [], session.line)
        var.items = lists.model_builder.items(var.model)
        session.read(var)
        session.vars.append(var)

    def perform(self, side: ListProgram, op: Op) -> Done:
        side.vars.append(FAILED)
        h, steps = side.var(op["src"]), []
        for key in run_keys(op):
            h = side.builder.insert(h, key, op["value"])
            steps.append((h, int(side.builder.cell_count)))
        side.vars[-1] = h
        return Done(h, steps)

    def answer(self, side: ListProgram, done: Done) -> dict[str, Any]:
        return side.list_reply(done.handle) | {"steps": [list(step) for step in done.steps]}

    def forms(self) -> list[str]:
        return ["extend:up", "extend:down", "extend:up:long", "extend:down:long"]

    def form(self, session: AlistSession, op: Op) -> str:  # type: ignore[override]
        way = "up" if op["step"] > 0 else "down"
        return f"extend:{way}{':long' if op['count'] >= LONG else ''}"


OPERATION = Extend()
