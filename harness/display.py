"""A live progress display for long runs (rich), on stderr so stdout stays a clean report."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from arenacheck.runner import Stats


class Display:
    """One bar per engine task, filled by elapsed time against its budget, with live counts."""

    def __init__(self, budget: float) -> None:
        self._progress = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[counts]}"),
            console=Console(stderr=True),
            transient=False,
        )

    def __enter__(self) -> Display:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def task(self, description: str, seconds: float) -> TaskID:
        return self._progress.add_task(description, total=seconds, counts="starting")

    def update(self, task: TaskID, stats: Stats, elapsed: float) -> None:
        self.show(task, elapsed, _counts(stats))

    def show(self, task: TaskID, elapsed: float, text: str) -> None:
        self._progress.update(task, completed=elapsed, counts=text)

    def finish(self, task: TaskID, stats: Stats, violation: bool) -> None:
        total = self._progress.tasks[task].total or 0
        verdict = "[red]VIOLATION[/red]" if violation else "[green]clean[/green]"
        self._progress.update(task, completed=total, counts=f"{_counts(stats)}  {verdict}")


def _counts(stats: Stats) -> str:
    return f"{stats.programs} programs · {stats.operations} ops · {stats.total_checks} checks"
