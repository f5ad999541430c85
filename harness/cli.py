"""The ``arenacheck`` command: ``check`` (the main job), ``fuzz``, ``replay``, ``trace``, ``prove``,
``selftest`` and ``serve``.

Exit status: 0 clean, 1 a law was broken, 2 a usage error (bad flags, a malformed program file,
an implementation that cannot be loaded), always as one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

from arenacheck import strict as strictness
from arenacheck import trace
from arenacheck.errors import ImplementationLoadError, ProgramError
from arenacheck.external import DEFAULT_TIMEOUT
from arenacheck.fuzzjobs import FuzzPlan
from arenacheck.loader import DEFAULT_IMPL, ImplSpec, load
from arenacheck.program import STRUCTURES, Program, Structure, read
from arenacheck.runner import Stats, Verdict, ViolationFound, run_program

DEFAULT_OUT = "arenacheck-failures"
#: How ``check --structure all`` shares its budget: alists have far more to explore.
SHARES: dict[Structure, float] = {"alist": 2 / 3, "intervals": 1 / 3}
#: The part of ``check``'s budget that goes to fuzzing, when atheris is installed.
FUZZ_SHARE = 1 / 4
#: The part that goes to proving the public-operation contracts, when CrossHair is installed;
#: the least time each of those conditions may take (with less, a busy machine may explore
#: nothing), and the paths after which each stops early.
PROVE_SHARE = 1 / 6
PROVE_MINIMUM = 5.0
PROVE_PATHS = 100


def _structures(args: argparse.Namespace) -> tuple[Structure, ...]:
    return STRUCTURES if args.structure == "all" else (args.structure,)


def _shares(structures: tuple[Structure, ...], seconds: float) -> dict[Structure, float]:
    """``seconds`` split between the structures by ``SHARES``."""
    total = sum(SHARES[s] for s in structures)
    return {s: seconds * SHARES[s] / total for s in structures}


class UsageError(Exception):
    """A mistake in how the command was called; reported in one line, exit status 2."""


def _budget(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"the budget must be positive, not {text}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (with a pointer to --help), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _add_impl(parser: argparse.ArgumentParser) -> None:
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
        type=_budget,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"with --impl-cmd: how long one reply may take (default: {DEFAULT_TIMEOUT:g})",
    )


def _spec(args: argparse.Namespace) -> ImplSpec:
    return ImplSpec(args.impl, args.impl_cmd, args.timeout)


def _add_strict(parser: argparse.ArgumentParser) -> None:
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


def _strict(args: argparse.Namespace) -> strictness.Strictness:
    try:
        return strictness.parse(args.strict.split(","))
    except ValueError as err:
        raise UsageError(f"--strict-only: {err}") from None


def _strict_flags(strict: strictness.Strictness) -> str:
    """The flag that asks for ``strict`` again (for replay hints)."""
    if not strict:
        return ""
    if strict == strictness.ALL:
        return " --strict"
    return " --strict-only " + ",".join(sorted(strict))


def _close(impl: Any) -> None:
    """Stop an external implementation's process (a module has nothing to stop)."""
    close = getattr(impl, "close", None)
    if callable(close):
        close()


def _add_run_options(parser: argparse.ArgumentParser, time_flag: str, what: str) -> None:
    """The options ``check`` and ``fuzz`` share: what to check, for how long, where to write."""
    _add_impl(parser)
    parser.add_argument("--structure", choices=[*STRUCTURES, "all"], default="all")
    parser.add_argument(
        time_flag,
        type=_budget,
        default=60.0,
        metavar="SECONDS",
        help=f"time for the whole {what} (default: 60)",
    )
    _add_out(parser, "failing programs")
    _add_strict(parser)


def _add_sources(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="Python files or directories (default: this interpreter's standard library)",
    )


def _sources(args: argparse.Namespace) -> list[Path]:
    """The paths ``trace`` and ``bench`` read: each must exist; none means the standard library."""
    paths = [Path(p) for p in args.paths] or [trace.standard_library()]
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or directory: {str(path)!r}")
    return paths


def _add_out(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"where {what} are written (default: {DEFAULT_OUT})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="arenacheck",
        description="Check arena association lists and interval maps against the SPEC model.",
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    check = sub.add_parser("check", help="run the engines against an implementation (main job)")
    _add_run_options(check, "--budget", "check")
    check.add_argument(
        "--seed", type=int, default=None, metavar="N", help="make the run reproducible"
    )
    check.add_argument(
        "--profile",
        choices=["ci", "dev", "nightly"],
        default=None,
        help="Hypothesis settings profile (default: $ARENACHECK_PROFILE, "
        "else ci under $CI, else dev)",
    )
    check.add_argument(
        "--backend",
        choices=["hypothesis", "crosshair"],
        default="hypothesis",
        help="how the stateful engine picks values: at random (default) or by CrossHair's "
        "solver (needs arenacheck[prove])",
    )
    check.set_defaults(func=cmd_check)

    fuzz = sub.add_parser("fuzz", help="coverage-guided fuzzing of the implementation (atheris)")
    _add_run_options(fuzz, "--time", "run")
    fuzz.add_argument("--jobs", type=int, default=1, metavar="N", help="processes per target")
    fuzz.add_argument(
        "--corpus",
        default="fuzz/corpus",
        metavar="DIR",
        help="corpus directory, one subdirectory per target (kept between runs)",
    )
    fuzz.add_argument(
        "libfuzzer", nargs="*", metavar="-- LIBFUZZER_ARGS", help="passed to every target process"
    )
    fuzz.set_defaults(func=cmd_fuzz)

    replay = sub.add_parser("replay", help="re-run program files and print the verdicts")
    replay.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="program files, or directories searched for *.jsonl",
    )
    _add_impl(replay)
    _add_strict(replay)
    replay.add_argument("-q", "--quiet", action="store_true", help="print only violations")
    replay.set_defaults(func=cmd_replay)

    trace = sub.add_parser(
        "trace", help="turn Python source files into programs: the workloads of real code"
    )
    _add_sources(trace)
    trace.add_argument(
        "-o", "--out", default="traces", metavar="DIR", help="where to write (default: traces)"
    )
    trace.set_defaults(func=cmd_trace)

    bench = sub.add_parser(
        "bench", help="time and memory against the structures users would pick instead"
    )
    _add_sources(bench)
    bench.add_argument(
        "--files",
        type=int,
        default=BENCH_FILES,
        metavar="N",
        help=f"an evenly spaced sample of N files (default: {BENCH_FILES}; 0: all)",
    )
    bench.add_argument(
        "--repeat", type=int, default=5, metavar="N", help="alternating repetitions (default: 5)"
    )
    bench.add_argument("--json", default=None, metavar="FILE", help="also write the numbers")
    bench.add_argument(
        "--plot", default=None, metavar="FILE.png", help="also draw the ratios (matplotlib)"
    )
    bench.set_defaults(func=cmd_bench)

    prove = sub.add_parser(
        "prove", help="check contracts and model diffs by symbolic execution (CrossHair)"
    )
    prove.add_argument(
        "--impl",
        default=DEFAULT_IMPL,
        metavar="MODULE",
        help=f"the implementation the program contracts check (default: {DEFAULT_IMPL})",
    )
    prove.add_argument(
        "--target",
        nargs="+",
        default=None,
        metavar="MODULE",
        help="modules (or .py files) whose PEP 316 contracts to check "
        "(default: arenacheck.impl.kernels arenacheck.contracts, and the model diffs)",
    )
    prove.add_argument(
        "--per-condition-timeout",
        type=_budget,
        default=5.0,
        metavar="SECONDS",
        help="time for each condition (default: 5)",
    )
    prove.add_argument(
        "--budget", type=_budget, default=300.0, metavar="SECONDS", help="time for the whole run"
    )
    prove.add_argument(
        "--max-paths",
        type=int,
        default=None,
        metavar="N",
        help="stop each condition after N paths, even before its timeout",
    )
    prove.add_argument(
        "--only", default=None, metavar="TEXT", help="check only conditions whose name holds TEXT"
    )
    _add_out(prove, "counterexample programs")
    prove.set_defaults(func=cmd_prove)

    selftest = sub.add_parser(
        "selftest", help="run each engine alone against each planted bug of the gallery"
    )
    selftest.add_argument(
        "--budget",
        type=_budget,
        default=60.0,
        metavar="SECONDS",
        help="time for each engine on each bug (default: 60)",
    )
    selftest.add_argument(
        "--engines",
        nargs="+",
        choices=["stateful", "fuzz", "prove", "external"],
        default=["stateful", "fuzz", "prove", "external"],
    )
    selftest.add_argument(
        "--bug",
        nargs="+",
        default=None,
        metavar="NAME",
        help="only these gallery bugs and legal variants",
    )
    selftest.add_argument(
        "--no-variants", action="store_true", help="skip the legal variants (bugs only)"
    )
    selftest.add_argument(
        "--markdown", default=None, metavar="FILE", help="also write the matrix as Markdown"
    )
    selftest.set_defaults(func=cmd_selftest)

    serve = sub.add_parser(
        "serve", help="answer the SPEC §4 protocol on stdin/stdout with a Python implementation"
    )
    serve.add_argument(
        "--impl",
        default="arenacheck.model",
        metavar="MODULE",
        help="module name or .py file to serve (default: the model, arenacheck.model)",
    )
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (UsageError, ProgramError, ImplementationLoadError) as err:
        print(f"arenacheck: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # stdout closed early (``| head``): stop quietly, as shell tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as err:  # e.g. an --out directory that cannot be written
        print(f"arenacheck: error: {err.strerror or err}: {err.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("arenacheck: interrupted", file=sys.stderr)
        return 130


# --- check --------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from arenacheck import stateful

    structures = _structures(args)
    spec = _spec(args)
    try:
        settings = stateful.profile(args.profile)
    except ValueError as err:
        raise UsageError(str(err)) from None
    if not stateful.backend_available(args.backend):
        raise UsageError(
            f"--backend {args.backend} needs hypothesis-crosshair: pip install 'arenacheck[prove]'"
        )
    strict = _strict(args)
    impl = spec.load(structures)
    try:
        return _check(args, structures, spec, impl, settings, strict)
    finally:
        _close(impl)


def _check(
    args: argparse.Namespace,
    structures: tuple[Structure, ...],
    spec: ImplSpec,
    impl: Any,
    settings: Any,
    strict: strictness.Strictness,
) -> int:
    from arenacheck import prove, stateful
    from arenacheck.display import Display

    fuzzing = _atheris_available()
    proving = prove.available() and spec.command is None
    stateful_part = 1.0 - (FUZZ_SHARE if fuzzing else 0.0) - (PROVE_SHARE if proving else 0.0)
    started = time.monotonic()
    outcomes = []
    fuzzed: list[Any] = []
    proved: tuple[list[Any], float] = ([], 0.0)
    with Display(args.budget) as display:
        for structure, share in _shares(structures, args.budget * stateful_part).items():
            stats = Stats()
            task = display.task(f"stateful · {structure}", share)
            outcome = stateful.run(
                structure,
                impl,
                share,
                seed_value=args.seed,
                profile_settings=settings,
                stats=stats,
                on_batch=partial(display.update, task),
                backend=args.backend,
                strict=strict,
            )
            display.finish(task, outcome.stats, outcome.found is not None)
            outcomes.append(outcome)
        if fuzzing and not any(o.found for o in outcomes):
            with tempfile.TemporaryDirectory() as corpus:
                plan = FuzzPlan(1, Path(corpus), Path(args.out), spec, [], strict)
                fuzzed = _fuzz_all(structures, args.budget * FUZZ_SHARE, plan, display)
        prove_time = args.budget * PROVE_SHARE
        if proving and not any(o.found for o in outcomes) and not any(f.failed for f in fuzzed):
            proved = _prove_public(spec, structures, prove_time, display)
    elapsed = time.monotonic() - started
    status = 0
    backend = "" if args.backend == "hypothesis" else f" --backend {args.backend}"
    print(f"arenacheck check {spec.flags()}{backend}{_strict_flags(strict)}")
    for outcome in outcomes:
        s = outcome.stats
        line = (
            f"  {outcome.structure:<9} {'VIOLATION' if outcome.found else 'clean':<9} "
            f"{s.programs} programs, {s.operations} operations, {s.total_checks} law checks "
            f"in {outcome.seconds:.1f} s"
        )
        print(line + _unsupported(s) + _unnamed(s))
    if not fuzzing:
        print("  (no fuzz phase: atheris is not installed; pip install 'arenacheck[fuzz]')")
    for outcome in outcomes:
        if outcome.found is not None:
            status = 1
            _report(outcome.found, Path(args.out), spec, impl, strict)
    status = max(status, _print_fuzz(fuzzed, spec, strict))
    if not proving:
        print("  (no prove phase: CrossHair is not installed; pip install 'arenacheck[prove]')")
    status = max(status, _print_prove(proved, spec, impl, Path(args.out)))
    print(f"{'violation found' if status else 'clean'} in {elapsed:.1f} s")
    return status


def _unsupported(stats: Stats) -> str:
    if not stats.unsupported:
        return ""
    return f" ({stats.unsupported} cut short by an unsupported operation)"


def _unnamed(stats: Stats) -> str:
    """Expected errors whose kind the runner could not check: the reply named none (SPEC §4)."""
    if not stats.unnamed:
        return ""
    return f" ({stats.unnamed} expected errors came without a known kind: their kind not checked)"


def _prove_public(
    spec: ImplSpec, structures: tuple[Structure, ...], seconds: float, display: Any
) -> tuple[list[Any], float]:
    """The public-operation contracts of each structure, sharing ``seconds`` (each at least
    ``PROVE_MINIMUM``, at most ``PROVE_PATHS`` paths), in a process of their own; the results
    and the timeout each had."""
    from arenacheck import prove

    conditions = sum(len(prove.PUBLIC[s]) for s in structures)
    timeout = max(seconds / conditions, PROVE_MINIMUM)
    task = display.task("prove", timeout * conditions)
    display.show(task, 0.0, "public-operation contracts")
    results = prove.isolated(prove.prove_public, spec.module, structures, timeout, PROVE_PATHS)
    display.show(task, timeout * conditions, f"{sum(r.paths for r in results)} paths")
    return results, timeout


def _print_prove(proved: tuple[list[Any], float], spec: ImplSpec, impl: Any, out: Path) -> int:
    from arenacheck import prove

    results, timeout = proved
    if not results:
        return 0
    summary = prove.Summary(results, None)
    verdict = "VIOLATION" if summary.failed else "clean"
    print(f"  {'public':<9} {verdict:<9} prove: {summary.line(timeout)}")
    _print_failed_conditions(results, impl, out, spec.flags())
    return 1 if summary.failed else 0


def _print_failed_conditions(results: list[Any], impl: Any, out: Path, flags: str) -> None:
    """Each failed condition, and its counterexample program: replayed through the runner (the
    law it breaks) and written for ``arenacheck replay``."""
    for result in results:
        if not result.failed:
            continue
        print(f"\n{result.function}: {result.condition}\n  {result.verdict}: {result.detail}")
        if result.program is not None:
            replayed = run_program(result.program, impl)
            if replayed.violation is not None:
                print(replayed.violation.describe())
            path = write_failure(result.program, "prove", out)
            print(f"  program: {path}  (arenacheck replay {path} {flags})")


def _report(
    found: ViolationFound,
    out: Path,
    spec: ImplSpec,
    impl: Any,
    strict: strictness.Strictness = strictness.NONE,
) -> None:
    program = found.program
    print()
    print(found.violation.describe())
    if program is None:
        return
    path = write_failure(program, found.violation.law, out)
    print(f"\nminimal program ({len(program.ops)} operations), written to {path}:")
    print(program.dumps(), end="")
    reproduced = _replay_one(path, impl, strict)
    note = "reproduces it" if not reproduced.ok else "does NOT reproduce it (flaky implementation?)"
    print(f"arenacheck replay {path} {spec.flags()}{_strict_flags(strict)}  # {note}")


def write_failure(program: Program, law: str, out: Path) -> Path:
    """Write a failing program under a name that says what broke and is stable for its text."""
    digest = hashlib.sha256(program.dumps().encode()).hexdigest()[:10]
    slug = law.replace(" ", "-")
    return program.write(out / f"{program.structure}-{slug}-{digest}.jsonl")


# --- fuzz ---------------------------------------------------------------------------------------


def _atheris_available() -> bool:
    try:
        import atheris  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


def _show_fuzz(display: Any, task: Any, progress: Any, elapsed: float) -> None:
    display.show(task, elapsed, progress.describe())


def _fuzz_all(
    structures: tuple[Structure, ...], seconds: float, plan: FuzzPlan, display: Any
) -> list[Any]:
    """Fuzz each structure for its share of ``seconds``; stop after the first violation."""
    from arenacheck.fuzzjobs import fuzz

    outcomes = []
    for structure, share in _shares(structures, seconds).items():
        task = display.task(f"fuzz · {structure}", share)
        outcome = fuzz(structure, share, plan, partial(_show_fuzz, display, task))
        display.show(task, share, outcome.progress.describe())
        outcomes.append(outcome)
        if outcome.failed:
            break
    return outcomes


def _print_fuzz(
    outcomes: list[Any], spec: ImplSpec, strict: strictness.Strictness = strictness.NONE
) -> int:
    status = 0
    for outcome in outcomes:
        verdict = "VIOLATION" if outcome.failed else "clean"
        print(
            f"  {outcome.structure:<9} {verdict:<9} fuzz: {outcome.progress.describe()} "
            f"in {outcome.seconds:.1f} s"
        )
        if outcome.failed:
            status = 1
            for path in outcome.programs:
                flags = spec.flags() + _strict_flags(strict)
                print(f"  program: {path}  (arenacheck replay {path} {flags})")
            if not outcome.programs:
                print("  a target process failed without a program file: see its output above")
    return status


def cmd_fuzz(args: argparse.Namespace) -> int:
    from arenacheck.display import Display

    if not _atheris_available():
        raise UsageError("fuzzing needs atheris: pip install 'arenacheck[fuzz]'")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {args.jobs}")
    structures = _structures(args)
    spec = _spec(args)
    strict = _strict(args)
    spec.verify(structures)  # a bad --impl or --impl-cmd is a usage error here, not in every job
    with Display(args.time) as display:
        plan = FuzzPlan(args.jobs, Path(args.corpus), Path(args.out), spec, args.libfuzzer, strict)
        outcomes = _fuzz_all(structures, args.time, plan, display)
    print(f"arenacheck fuzz {spec.flags()}{_strict_flags(strict)}")
    return _print_fuzz(outcomes, spec, strict)


# --- replay -------------------------------------------------------------------------------------


def program_files(paths: Sequence[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(path.rglob("*.jsonl"))
        elif path.exists():
            yield path
        else:
            raise UsageError(f"no such file or directory: {name!r}")


def _replay_one(path: Path, impl: Any, strict: strictness.Strictness = strictness.NONE) -> Verdict:
    return run_program(read(path), impl, strict)


def cmd_replay(args: argparse.Namespace) -> int:
    files = list(program_files(args.files))
    if not files:
        raise UsageError("no program files (*.jsonl) found")
    _strict(args)  # a bad --strict-only is a usage error before anything runs
    impl = _spec(args).load()
    try:
        return _replay(args, files, impl)
    finally:
        _close(impl)


#: Replays of more files than this print one line per violation only, under a progress bar.
LISTED_FILES = 20


def _replay(args: argparse.Namespace, files: list[Path], impl: Any) -> int:
    status = 0
    total = Stats()
    listed = not args.quiet and len(files) <= LISTED_FILES
    strict = _strict(args)
    with _bar("replaying", len(files) if len(files) > 1 else 0) as advance:
        for path in files:
            advance()
            try:
                verdict = _replay_one(path, impl, strict)
            except ProgramError as err:
                print(f"arenacheck: error: {err}", file=sys.stderr)
                status = 2
                continue
            total.add(verdict.stats)
            if verdict.violation is not None:
                status = max(status, 1)
                print(f"{path}: VIOLATION")
                print(verdict.violation.describe())
            elif verdict.unsupported is not None:
                print(f"{path}: unsupported at line {verdict.unsupported} (checked up to it)")
            elif listed:
                s = verdict.stats
                print(
                    f"{path}: ok ({s.operations} operations, {s.total_checks} law checks)"
                    + _unnamed(s)
                )
    if len(files) > 1 or args.quiet:
        print(
            f"{len(files)} programs, {total.operations} operations, "
            f"{total.total_checks} law checks{_unsupported(total)}{_unnamed(total)}: "
            + ("clean" if status == 0 else "violations found" if status == 1 else "errors")
        )
    if len(files) > LISTED_FILES:
        by_law = sorted(total.checks.items(), key=lambda kv: (-kv[1], kv[0]))
        print("law checks by law: " + ", ".join(f"{law} {n}" for law, n in by_law))
    return status


# --- trace --------------------------------------------------------------------------------------


def cmd_trace(args: argparse.Namespace) -> int:
    files = trace.sources(_sources(args))
    if not files:
        raise UsageError("no Python files (*.py) found")
    out = Path(args.out)
    total = trace.Counts()
    with _bar("tracing", len(files)) as advance:
        for root, path in files:
            total.add(trace.trace_file(root, path, out))
            advance()
    print(f"{total.summary()}; programs under {out}/")
    return 0


# --- bench --------------------------------------------------------------------------------------

#: ``bench``'s default sample of the standard library: minutes, not hours, with the slow peers.
BENCH_FILES = 100


def cmd_bench(args: argparse.Namespace) -> int:
    from arenacheck import bench

    if args.repeat < 1:
        raise UsageError(f"--repeat must be at least 1, not {args.repeat}")
    if args.files < 0:
        raise UsageError(f"--files must be 0 (all) or more, not {args.files}")
    if args.plot is not None and not bench.available("matplotlib"):
        raise UsageError("--plot needs matplotlib: pip install 'arenacheck[plot]'")
    work = bench.workload(_sources(args), args.files or None)
    if not work.files:
        raise UsageError("no Python files that parse found")
    report = bench.bench(work, args.repeat)
    print(bench.table(report))
    if args.json:
        Path(args.json).write_text(report.json() + "\n")
    if args.plot:
        bench.plot(report, Path(args.plot))
        print(f"chart written to {args.plot}")
    return 0


@contextmanager
def _bar(what: str, total: int) -> Iterator[Callable[[], None]]:
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


# --- serve --------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from arenacheck.serve import main as serve

    return serve(load(args.impl))


# --- prove --------------------------------------------------------------------------------------


def cmd_prove(args: argparse.Namespace) -> int:
    from arenacheck import contracts, prove
    from arenacheck.display import Display

    if not prove.available():
        raise UsageError("prove needs CrossHair: pip install 'arenacheck[prove]'")
    contracts.IMPL = load(args.impl)
    try:
        targets = [prove.load_target(t) for t in args.target or prove.DEFAULT_TARGETS]
    except (ImportError, OSError) as err:
        raise UsageError(f"--target: {err}") from None
    tasks = prove.tasks(targets, diffs=args.target is None)
    if args.only:
        tasks = [t for t in tasks if args.only in t.function]
    canary = (
        prove.tasks([prove.load_target(str(prove.CANARY))], diffs=False)[:1]
        if prove.CANARY.is_file()
        else []
    )
    results: list[Any] = []
    with Display(len(tasks)) as display:
        bar = display.task("prove", len(tasks) + len(canary))

        def shown(task: Any, result: Any) -> None:
            results.append(result)
            found = sum(r.verdict == prove.COUNTEREXAMPLE for r in results)
            text = (
                f"{task.function} · {sum(r.paths for r in results)} paths · {found} counterexamples"
            )
            display.show(bar, len(results), text)

        timeout = max(args.per_condition_timeout, prove.CANARY_TIMEOUT)
        caught = list(prove.prove(canary, timeout, args.budget, shown))
        paths = args.max_paths or prove.UNLIMITED
        list(prove.prove(tasks, args.per_condition_timeout, args.budget, shown, paths))
    summary = prove.Summary(results[len(caught) :], caught[0] if caught else None)
    print(f"arenacheck prove --impl {args.impl}")
    print(prove.table(summary.results))
    if summary.canary is not None:
        verdict = "caught" if summary.canary.verdict == prove.COUNTEREXAMPLE else "ESCAPED"
        print(f"  canary ({prove.CANARY.name}): {verdict} in {summary.canary.seconds:.1f} s")
    _print_failed_conditions(summary.results, contracts.IMPL, Path(args.out), f"--impl {args.impl}")
    print(summary.line(args.per_condition_timeout))
    return 1 if summary.failed else 0


# --- selftest -----------------------------------------------------------------------------------


def write_between_markers(path: Path, text: str, name: str) -> None:
    """Put ``text`` between the ``<!-- name -->`` markers of ``path``, so a measured table can sit
    in a page of prose: a new file is ``text`` alone; a file without the markers gets them at its
    end; nothing else in the file changes."""
    begin, end = f"<!-- {name} -->\n", f"<!-- /{name} -->"
    if not path.exists():
        path.write_text(text)
        return
    old = path.read_text()
    if begin not in old or end not in old:
        old = old.rstrip("\n") + "\n\n" + begin + end + "\n"
    head, rest = old.split(begin, 1)
    path.write_text(head + begin + text + end + rest.split(end, 1)[1])


def cmd_selftest(args: argparse.Namespace) -> int:
    from arenacheck import selftest
    from arenacheck.display import Display

    paths, variants = selftest.bugs(), selftest.variants()
    if not paths:
        raise UsageError(f"selftest needs the gallery of a source checkout: {selftest.GALLERY}")
    if args.bug:
        unknown = sorted(set(args.bug) - {p.stem for p in [*paths, *variants]})
        if unknown:
            raise UsageError(f"no such gallery bug or legal variant: {', '.join(unknown)}")
        paths = [p for p in paths if p.stem in args.bug]
        variants = [p for p in variants if p.stem in args.bug]
    if args.no_variants:
        variants = []
    engines = tuple(args.engines)
    cells = (len(paths) + len(variants)) * len(engines)
    with Display(cells) as display:
        bar = display.task("selftest", cells)
        done = [0]

        def shown(bug: str, engine: str, cell: Any) -> None:
            done[0] += 1
            display.show(bar, done[0], f"{bug} · {engine}: {cell.describe()}")

        matrix = selftest.run(paths, engines, args.budget, shown)
        legal = selftest.run(variants, engines, args.budget, shown, legal=True)
    table = selftest.markdown(matrix, engines, args.budget, legal)
    print(f"arenacheck selftest --budget {args.budget:g}")
    print(table, end="")
    if args.markdown:
        write_between_markers(Path(args.markdown), table, "selftest")
    escaped, alarms = selftest.escaped(matrix), selftest.false_alarms(legal)
    if escaped:
        print(f"escaped every engine: {', '.join(escaped)}")
    if alarms:
        print(f"false alarms on legal variants: {', '.join(alarms)}")
    return 1 if escaped or alarms else 0
