"""``builder`` (version 3): open another builder beside the ones the program holds, so that
several are alive at once and lines interleave them (``"builder": N`` names the one a line is
made on; the program's own is 0). SPEC §2.2: builders share nothing a program can see — a
handle of one cannot be told apart from another's, so a program never passes one across —
which is what opening one checks (every other builder's lists or map read again, unchanged)
and what the lines after it check, each builder against a model of its own.

One spec for both structures: each registers an instance (``ops.alist``, ``ops.intervals``)."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any, ClassVar

from arenacheck.ops.base import Done, Operation
from arenacheck.ops.draw import Aim, Draw, rarely
from arenacheck.program import BUILDER, SEVERAL_BUILDERS
from arenacheck.structures import Op, Structure

if TYPE_CHECKING:
    from arenacheck.ops.draw import Move

#: The most builders a stateful example holds at once.
MOST = 3


class OpenBuilder(Operation):
    name = "builder"
    version = 3
    opens = True
    weight = 0  # the fuzz decoder's programs hold one builder (docs/fuzzing.md)
    proved = "not in prove's contracts: they hold one builder"

    #: The forms engine's program: lines on the program's builder, then this one, then lines on
    #: the new builder (``BUILDER`` set on them here).
    before: ClassVar[list[Op]]
    after: ClassVar[list[Op]]

    def check(self, session: Any, op: Op) -> None:
        session.recheck_neighbours()

    def perform(self, side: Any, op: Op) -> Done:
        raise NotImplementedError("one builder a side: the drive loop opens the others")

    def forms(self) -> list[str]:
        return ["builder:new"]

    def form(self, session: Any, op: Op) -> str:
        return "builder:new"

    def reaches(self) -> list[str]:
        """The program's own class: it ended with several builders open (the drive loop counts
        it, at the end: ``Drive.end``)."""
        return [SEVERAL_BUILDERS]

    def reached(self, op: Op) -> list[str]:
        return []

    def class_witness(self, label: str) -> list[Op]:
        return self.witness(self.forms()[0])

    def witness(self, form: str) -> list[Op]:
        return [*self.before, self.line(), *({**op, BUILDER: 1} for op in self.after)]

    def moves(self) -> dict[str, Move]:
        def open_builder(draw: Draw, aim: Aim) -> Generator[Op, int | None, None]:
            """Now and then, up to ``MOST`` builders: the lines after it go to the new one
            until the machine switches (``ProgramMachine.switch_builder``)."""
            if aim.memo.get("builders", 1) < MOST and rarely(draw, 6, "open a builder"):
                aim.memo["builders"] = aim.memo.get("builders", 1) + 1
                yield self.line()

        return {"open_builder": open_builder}


def opening(structure: Structure, before: list[Op], after: list[Op]) -> OpenBuilder:
    """The operation for ``structure``, with its forms engine program."""
    made: type[OpenBuilder] = type(
        "OpenBuilder",
        (OpenBuilder,),
        {"structure": structure, "before": before, "after": after, "__module__": __name__},
    )
    return made()
