"""What the commands share: one-line usage errors, the options that name an implementation, the
strict decisions and the output folder, and the printer of engine outcomes."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from arenacheck import strict as strictness
from arenacheck.engines.base import Engine, Job, Outcome
from arenacheck.impl import provable
from arenacheck.implementation import Implementation
from arenacheck.protocol.client import DEFAULT_TIMEOUT
from arenacheck.report import DEFAULT_OUT
from arenacheck.structures import STRUCTURES, Structure
from arenacheck.targets import DEFAULT_IMPL, ImplSpec
from arenacheck.verdicts import Stats

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


def add_ops(parser: argparse.ArgumentParser) -> None:
    """``--ops MODULE``: operations of the user's own, checked by every engine."""
    parser.add_argument(
        "--ops",
        action="append",
        default=[],
        metavar="MODULE",
        help="a module (or .py file) exporting OPERATIONS, operations of your own to check as "
        "the bundled ones are (docs/design.md, Adding an operation); repeatable",
    )


def load_ops(args: argparse.Namespace) -> None:
    """Register the operations ``--ops`` names, and hand them to every process the run starts
    (a fuzz target, a fresh replay, a server)."""
    import os

    from arenacheck import ops

    named = list(getattr(args, "ops", None) or [])
    if not named:
        return
    ops.extend(named)
    before = [m for m in (os.environ.get(ops.OPS_ENV) or "").split(",") if m]
    os.environ[ops.OPS_ENV] = ",".join(dict.fromkeys([*before, *named]))


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
    add_ops(parser)
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
    """Programs an unsupported answer cut short, with the forms it came at."""
    if not stats.unsupported:
        return ""
    forms = ", ".join(f"{form} {n}" for form, n in sorted(stats.cut.items()))
    return f" ({stats.unsupported} programs cut short as unsupported: {forms})"


def verdict(outcomes: list[Outcome]) -> str:
    """What a run of engines established, in a few words: ``clean`` only when every program
    ran to its end with every law kept."""
    if any(o.failure is not None for o in outcomes):
        return "violation found"
    if any(o.error for o in outcomes):
        return "an engine could not do its work"
    cut = sum(o.stats.unsupported for o in outcomes)
    if cut:
        return f"no violation in what ran, but {cut} programs cut short as unsupported"
    return "clean"


def unnamed(stats: Stats) -> str:
    """Expected errors whose kind the runner could not check: the reply named none (SPEC §4)."""
    if not stats.unnamed:
        return ""
    return f" ({stats.unnamed} expected errors came without a known kind: their kind not checked)"


def engine_settings(args: argparse.Namespace, engines: list[Engine]) -> dict[str, Any]:
    """Each engine's settings, from the options it added; a bad one is a usage error."""
    try:
        return {engine.name: engine.settings(args) for engine in engines}
    except ValueError as err:
        raise UsageError(str(err)) from None


def run_job(
    args: argparse.Namespace,
    seconds: float,
    run: Callable[[Job, Implementation], T],
    settings: dict[str, Any],
) -> T:
    """Load the implementation ``args`` name (a bad one is a usage error here), and ``run`` the
    job of ``seconds`` (with each engine's ``settings``) under a progress display; the
    implementation is closed after, whatever happens."""
    from arenacheck.cli.display import Display

    chosen = structures(args)
    impl = spec(args).load(chosen)
    try:
        with Display() as display:
            job = Job(spec(args), chosen, seconds, Path(args.out), strict(args), display, settings)
            return run(job, impl)
    finally:
        impl.close()


def print_outcome(outcome: Outcome, flags: str) -> None:
    """One engine's outcome: a line of counts, then what it found — the violation, the program
    as the failure path left it (shrunk or not, written, replayed), notes, an error."""
    if outcome.failed:
        word = "VIOLATION" if outcome.failure is not None else "ERROR"
    else:
        word = "partial" if outcome.stats.unsupported else "clean"
    line = f"  {outcome.structure:<9} {word:<9} {outcome.engine}: {outcome.summary}"
    print(
        line + f" in {outcome.seconds:.1f} s" + unsupported(outcome.stats) + unnamed(outcome.stats)
    )
    failure = outcome.failure
    if failure is not None:
        print()
        print(failure.violation.describe())
        for text in failure.describe(flags):
            print(text)
    for note in outcome.notes:
        print(note)
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
