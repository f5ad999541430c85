"""What the commands share: one-line usage errors, the options that name an implementation, the
strict decisions and the output folder, and the printer of engine outcomes."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from arenacheck import strict as strictness
from arenacheck.engines.base import Job, Outcome
from arenacheck.engines.load import DEFAULT_IMPL, ImplSpec
from arenacheck.impl import provable
from arenacheck.implementation import Implementation
from arenacheck.protocol.client import DEFAULT_TIMEOUT
from arenacheck.report import DEFAULT_OUT
from arenacheck.runner import Stats
from arenacheck.vocabulary import STRUCTURES, Structure

T = TypeVar("T")


class UsageError(Exception):
    """A mistake in how the command was called; reported in one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (with a pointer to --help), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def seconds(text: str) -> float:
    """A positive number of seconds (an argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"the budget must be positive, not {text}")
    return value


def add_impl(parser: argparse.ArgumentParser) -> None:
    """``--impl MODULE`` or ``--impl-cmd CMD`` (with ``--timeout``)."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--impl",
        default=DEFAULT_IMPL,
        metavar="MODULE",
        help=f"module name or .py file to check (default: {DEFAULT_IMPL})",
    )
    which.add_argument(
        "--impl-cmd",
        default=None,
        metavar="CMD",
        help="check a program in any language that speaks the SPEC §4 protocol on stdin/stdout",
    )
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"with --impl-cmd: how long one reply may take (default: {DEFAULT_TIMEOUT:g})",
    )


def spec(args: argparse.Namespace) -> ImplSpec:
    """What to check. Under ``--backend crosshair`` the bundled implementation is its pure build:
    CrossHair executes Python, and a symbolic int must never reach C (docs/proving.md)."""
    crosshair = getattr(args, "backend", "hypothesis") == "crosshair"
    return ImplSpec(provable(args.impl) if crosshair else args.impl, args.impl_cmd, args.timeout)


def add_strict(parser: argparse.ArgumentParser) -> None:
    """``--strict`` (every decision) or ``--strict-only NAME,...``."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--strict",
        action="store_const",
        const="all",
        default="",
        help="also hold the implementation to every one of the project's own decisions where "
        "SPEC leaves a choice (docs/semantics.md, Freedoms)",
    )
    which.add_argument(
        "--strict-only",
        dest="strict",
        metavar="DECISION[,DECISION]",
        help="only these decisions: " + ", ".join(strictness.DECISIONS),
    )


def strict(args: argparse.Namespace) -> strictness.Strictness:
    try:
        return strictness.parse(args.strict.split(","))
    except ValueError as err:
        raise UsageError(f"--strict-only: {err}") from None


def strict_flags(chosen: strictness.Strictness) -> str:
    """The flag that asks for ``chosen`` again (for replay hints)."""
    if not chosen:
        return ""
    if chosen == strictness.ALL:
        return " --strict"
    return " --strict-only " + ",".join(sorted(chosen))


def add_seconds(parser: argparse.ArgumentParser, flag: str, default: float, what: str) -> None:
    """A positive number of seconds for ``what``."""
    parser.add_argument(
        flag,
        type=seconds,
        default=default,
        metavar="SECONDS",
        help=f"time for {what} (default: {default:g})",
    )


def add_run_options(parser: argparse.ArgumentParser, flag: str, what: str) -> None:
    """What a run of engines takes: the implementation and structures, its time, where failing
    programs go, and the strict decisions."""
    add_impl(parser)
    add_structure(parser)
    add_seconds(parser, flag, 60.0, what)
    add_out(parser, "failing programs")
    add_strict(parser)


def add_structure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--structure", choices=[*STRUCTURES, "all"], default="all")


def structures(args: argparse.Namespace) -> tuple[Structure, ...]:
    return STRUCTURES if args.structure == "all" else (args.structure,)


def add_out(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"where {what} are written (default: {DEFAULT_OUT})",
    )


def unsupported(stats: Stats) -> str:
    if not stats.unsupported:
        return ""
    return f" ({stats.unsupported} cut short by an unsupported operation)"


def unnamed(stats: Stats) -> str:
    """Expected errors whose kind the runner could not check: the reply named none (SPEC §4)."""
    if not stats.unnamed:
        return ""
    return f" ({stats.unnamed} expected errors came without a known kind: their kind not checked)"


def run_job(
    args: argparse.Namespace,
    seconds: float,
    run: Callable[[Job, Implementation], T],
    **settings: Any,
) -> T:
    """Load the implementation ``args`` name (a bad one is a usage error here), and ``run`` the
    job of ``seconds`` (with each engine's ``settings``) under a progress display; the
    implementation is closed after, whatever happens."""
    from arenacheck.cli.display import Display

    chosen = structures(args)
    impl = spec(args).load(chosen)
    try:
        with Display() as display:
            job = Job(
                spec(args), chosen, seconds, Path(args.out), strict(args), display, **settings
            )
            return run(job, impl)
    finally:
        impl.close()


def print_outcome(outcome: Outcome, flags: str) -> None:
    """One engine's outcome: a line of counts, then what it found — the violation with its
    shrunk program, the files it wrote and how to replay them, notes, an error."""
    verdict = "VIOLATION" if outcome.failed else "clean"
    line = f"  {outcome.structure:<9} {verdict:<9} {outcome.engine}: {outcome.summary}"
    print(
        line + f" in {outcome.seconds:.1f} s" + unsupported(outcome.stats) + unnamed(outcome.stats)
    )
    found = outcome.found
    if found is not None:
        print()
        print(found.violation.describe())
        if found.program is not None:
            print(f"\nminimal program ({len(found.program.ops)} operations):")
            print(found.program.dumps(), end="")
    for note in outcome.notes:
        print(note)
    for path in outcome.written:
        note = ""
        if outcome.reproduced is not None:
            note = "  # reproduces it" if outcome.reproduced else "  # does NOT reproduce it"
        print(f"  program: {path}\n  arenacheck replay {path} {flags}{note}")
    if outcome.error:
        print(f"  {outcome.error}")


@contextmanager
def bar(what: str, total: int) -> Iterator[Callable[[], None]]:
    """A progress bar over ``total`` items on stderr; yields the function that advances it."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    if total == 0:  # nothing worth a bar
        yield lambda: None
        return
    columns = (what, BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(what, total=total)
        yield lambda: progress.advance(task)
