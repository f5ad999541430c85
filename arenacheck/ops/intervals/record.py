"""``record``: one expression's node index and its scope (SPEC §3). A bad value raises
``TypeError`` or ``ValueError`` (either, SPEC §3.2) and records nothing."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from arenacheck.callbacks import attempt
from arenacheck.domains import INDEX, SCOPE, U32_EDGES, is_int
from arenacheck.model import intervals as model_intervals
from arenacheck.ops.base import Done, Shape, Small, fields
from arenacheck.ops.draw import BAD_SCALARS, Aim, Draw, rarely
from arenacheck.ops.intervals.maps import BUILD, RECORDS, MapOperation
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.interpreter import MapProgram
    from arenacheck.ops.draw import Move
    from arenacheck.sessions.intervals import IntervalSession

#: What a record is, relative to the records before it.
KINDS = ("new", "again", "conflict", "bad", "finished")
TOP = 2**32 - 1
#: The forms engine's last record, by form.
LAST: dict[str, tuple[Any, Any]] = {
    "new": (30, 1),
    "again": (10, 1),
    "conflict": (10, 3),
    "bad": (-1, 1),
    "finished": (30, 1),
}


class Record(MapOperation):
    name = "record"
    required = fields(index=INDEX, scope=SCOPE)
    calls = ("record",)
    weight = 160
    proved = "in intervals_program and map_lookup: records of small indices and scopes"

    def complaint(self, op: Op, shape: Shape, version: int) -> str | None:
        if shape.built and version < 2:
            return "record after build (recording on a finished builder needs a version-2 header)"
        return None

    def check(self, session: IntervalSession, op: Op) -> None:
        index, scope = op["index"], op["scope"]
        _, model_err = attempt(lambda: session.model_builder.record(index, scope))
        also = session.also_applies(
            model_err, lambda: model_intervals.IntervalMapBuilder().record(index, scope)
        )
        _, impl_err = attempt(lambda: session.impl_builder.record(index, scope))
        allowed = [*also, *session.other_kind([model_err, *also])]
        session.same_outcome(model_err, impl_err, allowed)
        if model_err is None:
            session.accept(index, scope)

    def perform(self, side: MapProgram, op: Op) -> Done:
        side.builder.record(op["index"], op["scope"])
        return Done()

    def forms(self) -> list[str]:
        return [f"record:{kind}" for kind in KINDS]

    def form(self, session: IntervalSession, op: Op) -> str:  # type: ignore[override]
        index, scope = op["index"], op["scope"]
        if session.built:
            return "record:finished"
        if not all(is_int(v) and 0 <= v <= TOP for v in (index, scope)):
            return "record:bad"
        if index not in session.scopes:
            return "record:new"
        return "record:again" if session.scopes[index] == scope else "record:conflict"

    def keys(self, op: Op) -> list[Any]:
        return []  # record indices are never relabelled: gaps between them matter

    def commutes(self, op: Op, session: Any) -> tuple[str, Any] | None:
        """Two records the model accepts: it keeps a set, and the map depends on the set alone
        (SPEC §3.1 law 4, which every program's end checks by rebuilding the records
        reversed). A refused record commutes with nothing: what it must leave unchanged
        depends on where it comes."""
        index, scope = op["index"], op["scope"]
        accepted = model_intervals.in_domain(index) and model_intervals.in_domain(scope)
        if not accepted or session.built:
            return None
        return ("accepted records", (index, scope))

    def alphabet(self, small: Small) -> list[Op]:
        """Every index with every scope the state allows (refused, after a build: one), and the
        bad records."""
        if small.session.built:
            return [self.line(index=small.indices[0], scope=0)]
        lines = [self.line(index=i, scope=s) for i in small.indices for s in small.scopes]
        return lines + [self.line(index=i, scope=s) for i, s in small.bad_records]

    def witness(self, form: str) -> list[Op]:
        kind = form.split(":")[1]
        index, scope = LAST[kind]
        last = self.line(index=index, scope=scope)
        if kind == "finished":
            return [*RECORDS, BUILD, last]
        return [*RECORDS, last, BUILD]

    def moves(self) -> dict[str, Move]:
        def record(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            """Mostly the next index; sometimes back, anywhere, near a width's edge, or again
            (rarely a conflict); rarely many runs at once (``Aim.bulk``). The scope is one of
            the example's (``setup``). After ``build`` the same move checks that recording is
            refused."""
            session = aim.session
            recorded = session.records
            last = aim.memo.get("last", recorded[-1][0] if recorded else 0)
            if aim.bulk and rarely(draw, 12, "runs"):
                yield from self.runs(draw, aim, draw.integer(2, 9, "runs"))
                return
            how = draw.choice(["next", "next", "next", "back", "anywhere", "edge", "again"], "how")
            scope = draw.choice(aim.memo["scopes"], "scope")
            if how == "again" and recorded:
                index, scope = draw.choice(recorded, "record again")
                if rarely(draw, 25, "conflict"):
                    scope ^= 1  # the same index with another scope: build() must refuse
            elif how == "back":
                index = max(0, last - draw.integer(1, 8, "back"))
            elif how == "anywhere":
                index = draw.integer(0, TOP, "index")
            elif how == "edge":
                index = max(0, min(TOP, draw.choice(U32_EDGES, "edge") + draw.integer(-2, 2, "by")))
            else:
                index = min(TOP, last + draw.integer(1, 4, "step"))
            aim.memo["last"] = index
            yield self.line(index=index, scope=scope)

        def bad_record(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            bad = [*BAD_SCALARS, 2**32, -1]
            which = draw.integer(0, 2, "which is bad")
            index = draw.choice(bad, "index") if which != 1 else draw.integer(0, 5, "index")
            scope = draw.choice(bad, "scope") if which != 0 else draw.integer(0, 5, "scope")
            yield self.line(index=index, scope=scope)

        return {"record": record, "bad_record": bad_record}

    def runs(self, draw: Draw, aim: Aim, count: int) -> Generator[Op, int | None, None]:
        """``count`` runs of one scope each, up from the last record: after a gap, far apart, or
        on past a width's edge (the last, sometimes, up to the top of the domain); each run's
        records in order, and its scope, mostly, another than the run's before it (a range
        each: SPEC §3.1 law 3), sometimes the same (one range with a gap in it)."""
        index, scope = aim.memo.get("last", 0), None
        for number in range(count):
            gap = draw.choice([1, 1, 2, 5, 1000, 2**20], "gap")
            if number == count - 1 and rarely(draw, 3, "to the top"):
                gap = max(gap, TOP - draw.integer(0, 5, "below the top") - index)
            elif rarely(draw, 8, "jump"):  # past 2**8, 2**16 or 2**31 (the top: the last run's)
                edge = draw.choice(U32_EDGES[:-2], "edge") - draw.integer(0, 3, "before")
                gap = max(gap, edge - index)
            index += gap
            others = [s for s in aim.memo["scopes"] if s != scope] or [(scope or 0) ^ 1]
            if scope is None or not rarely(draw, 4, "same scope"):
                scope = draw.choice(others, "scope")
            for _ in range(draw.integer(1, 6, "run length")):
                if index > TOP:
                    return
                yield self.line(index=index, scope=scope)
                aim.memo["last"] = index
                index += 1

    def prelude(self, draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
        """About one example in five begins with a map of many ranges, as a real file's is
        (the standard library's average 66; here 10 to 150): a lookup's search is then as deep
        as it gets in real use."""
        if rarely(draw, 5, "many ranges"):
            yield from self.runs(draw, aim, draw.integer(10, 150, "runs"))

    def setup(self, draw: Draw, aim: Aim) -> None:
        """The scopes this example's records use: one to four, mostly small, about one in three
        at a width's edge (SPEC §3.2: any scope in [0, 2**32))."""
        scopes = []
        for _ in range(draw.integer(1, 4, "scopes")):
            wide = rarely(draw, 3, "wide scope")
            scopes.append(draw.choice(U32_EDGES, "scope") if wide else draw.integer(0, 3, "scope"))
        aim.memo["scopes"] = scopes


OPERATION = Record()
