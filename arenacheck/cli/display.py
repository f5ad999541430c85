"""A live progress display for long runs (rich), on stderr so stdout stays a clean report.

It is the engines' ``Progress`` callback: a task appears as a bar the first time an engine
reports it, filled by elapsed time against its planned seconds, with the engine's counts beside.
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


class Display:
    """One bar per engine task."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[counts]}"),
            console=Console(stderr=True),
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}

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

    def __call__(self, task: str, elapsed: float, total: float, text: str) -> None:
        """Show ``task`` at ``elapsed`` of ``total`` seconds (or items), with ``text``."""
        if task not in self._tasks:
            self._tasks[task] = self._progress.add_task(task, total=total, counts=text)
        self._progress.update(self._tasks[task], total=total, completed=elapsed, counts=text)
