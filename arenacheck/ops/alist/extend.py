"""``extend`` (version 2): ``count`` inserts of an arithmetic run of keys, in one line — long runs
(law 6) cost one line, and shrink as one number."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING, Any

from arenacheck.domains import VALUE, VAR, Domain, is_int, is_int64
from arenacheck.implementation import Run
from arenacheck.ops.alist.lists import LONG, AlistOperation
from arenacheck.ops.base import Done, Shape, Small, fields
from arenacheck.ops.draw import Aim, Draw, live, rarely, value
from arenacheck.sessions.alist import Var
from arenacheck.structures import FAILED, Op
from arenacheck.values import INT64

if TYPE_CHECKING:
    from arenacheck.interpreter import ListProgram
    from arenacheck.ops.draw import Move
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
    calls = ("insert_run",)
    weight = 20

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

    def remote(self, method: str, wire: Any, args: Sequence[Any]) -> dict[str, Any]:
        """``insert_run(h, keys, value)``: the run in one line."""
        h, keys, given = args
        start, step, count = keys.start, keys.step, len(keys)
        return self.line(src=wire(h), start=start, step=step, count=count, value=given)

    def keys(self, op: Op) -> list[Any]:
        return list(run_keys(op))

    def alphabet(self, small: Small) -> list[Op]:
        """Short runs from every list, over the domain's runs (the long domain has its own)."""
        if not small.full or small.long:
            return []
        first = small.values[0]
        return [
            self.line(src=src, start=start, step=step, count=2, value=first)
            for src in small.session.live()
            for start, step in small.runs
        ]

    def starts(self, small: Small) -> list[Op]:
        """The long domain's first lines: a run of ``long_run`` keys from EMPTY, each way."""
        first = small.values[0]
        return [
            self.line(src=0, start=0, step=step, count=small.long_run, value=first)
            for step in (1, -1)
        ]

    def witness(self, form: str) -> list[Op]:
        count = LONG if form.endswith(":long") else 5
        step = 1 if form.startswith("extend:up") else -1
        return [self.line(src=0, start=0, step=step, count=count, value=1)]

    def moves(self) -> dict[str, Move]:
        def extend(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            """A short run of keys in one step, in either direction."""
            src = live(draw, aim, "src")
            count = draw.integer(1, 12, "count")
            step = draw.choice([1, 2, -1, 3, -5], "step")
            start = draw.integer(-50, 50, "start")
            yield self.line(src=src, start=start, step=step, count=count, value=value(draw, aim))

        def long_run(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            """Rarely, 2,000 keys in a row (law 6) from EMPTY, at once merged with another list.
            Mostly increasing; a decreasing run costs 2,001,000 cells (quadratic by design), so
            it is rarer, and it always starts from EMPTY so that no run pays for a long list
            beneath it."""
            from arenacheck.ops import operations
            from arenacheck.ops.alist.merge import Merge

            other = live(draw, aim, "other")
            if not rarely(draw, 8, "long run"):
                return
            step = -1 if rarely(draw, 5, "decreasing") else 1
            start = draw.integer(-50, 50, "start")
            made = yield self.line(
                src=0, start=start, step=step, count=2000, value=value(draw, aim)
            )
            if made is None:
                return
            merges = [op for op in operations("alist").values() if isinstance(op, Merge)]
            merge = draw.choice(merges, "kind")
            first = draw.boolean("long first")
            yield merge.drawn(made if first else other, other if first else made, draw, aim)

        return {"extend": extend, "long_run": long_run}

    def forms(self) -> list[str]:
        return ["extend:up", "extend:down", "extend:up:long", "extend:down:long"]

    def form(self, session: AlistSession, op: Op) -> str:  # type: ignore[override]
        way = "up" if op["step"] > 0 else "down"
        return f"extend:{way}{':long' if op['count'] >= LONG else ''}"


OPERATION = Extend()
