"""``build`` (version 2): finish the builder; its storage reads every list, and every mutating
call after it raises ``BuilderFinished`` (SPEC §2)."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from arenacheck import laws
from arenacheck.callbacks import attempt
from arenacheck.ops.alist.lists import TWO_LISTS, AlistOperation
from arenacheck.ops.base import Done, Small
from arenacheck.ops.draw import Aim, Draw, rarely
from arenacheck.structures import Op

if TYPE_CHECKING:
    from arenacheck.interpreter import ListProgram
    from arenacheck.ops.draw import Move
    from arenacheck.sessions.alist import AlistSession


class Build(AlistOperation):
    name = "build"
    version = 2
    calls = ("build",)
    weight = 1

    def check(self, session: AlistSession, op: Op) -> None:
        lists = session.lists
        model_storage, model_err = attempt(lists.model_builder.build)
        impl_storage, impl_err = attempt(lists.impl_builder.build)
        session.same_outcome(model_err, impl_err)
        if model_err is None:
            lists.model_reader, lists.impl_reader = model_storage, impl_storage
            lists.built = True
            cells = int(lists.impl_builder.cell_count)
            now = session.cells()
            session.check(laws.CONTENTS, now == cells, cells, now, "cell_count")

    def perform(self, side: ListProgram, op: Op) -> Done:
        side.reader = side.builder.build()
        return Done()

    def alphabet(self, small: Small) -> list[Op]:
        return [self.line()]

    def witness(self, form: str) -> list[Op]:
        return [*TWO_LISTS, self.line(), *([self.line()] if form == "build:again" else [])]

    def moves(self) -> dict[str, Move]:
        def build(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            """Rarely (most examples build only at the end); after it, mutations must fail."""
            if rarely(draw, 12, "build now"):
                yield self.line()

        return {"build": build}

    def finish(self, session: Any) -> list[Op]:
        return [] if session.built else [self.line()]

    def forms(self) -> list[str]:
        return ["build", "build:again"]

    def form(self, session: AlistSession, op: Op) -> str:  # type: ignore[override]
        return "build:again" if session.built else "build"


OPERATION = Build()
