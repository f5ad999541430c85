"""``arenacheck prove``: every contract and model diff by symbolic execution, with the canary."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from arenacheck import optional
from arenacheck.cli import common
from arenacheck.cli.display import Display
from arenacheck.engines.base import Job
from arenacheck.implementation import load
from arenacheck.targets import DEFAULT_IMPL, ImplSpec


def add(sub: Any) -> None:
    parser = sub.add_parser(
        "prove", help="check contracts and model diffs by symbolic execution (CrossHair)"
    )
    parser.add_argument(
        "--impl",
        default=DEFAULT_IMPL,
        metavar="MODULE",
        help=f"the implementation the public-operation contracts check (default: {DEFAULT_IMPL})",
    )
    parser.add_argument(
        "--target",
        nargs="+",
        default=None,
        metavar="MODULE",
        help="modules (or .py files) whose PEP 316 contracts to check (default: the kernels' and "
        "the prove engine's own, the model diffs, and the public-operation contracts of --impl)",
    )
    common.add_seconds(parser, "--per-condition-timeout", 5.0, "each condition")
    common.add_seconds(parser, "--budget", 300.0, "the whole run")
    parser.add_argument(
        "--max-paths",
        type=int,
        default=None,
        metavar="N",
        help="stop each condition after N paths, even before its timeout",
    )
    parser.add_argument(
        "--only", default=None, metavar="TEXT", help="check only conditions whose name holds TEXT"
    )
    common.add_out(parser, "counterexample programs")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not optional.available("crosshair"):
        raise common.UsageError(f"prove needs CrossHair: {optional.install_hint('crosshair')}")
    from arenacheck.engines.prove import run as prove
    from arenacheck.engines.prove.engine import failed_conditions

    impl = load(args.impl)
    try:
        for target in args.target or ():
            prove.load_target(target)
    except (ImportError, OSError) as err:
        raise common.UsageError(f"--target: {err}") from None
    named = args.target is not None
    plan = prove.Plan(
        tuple(args.target or prove.DEFAULT_TARGETS),
        None if named else args.impl,
        diffs=not named,
        only=args.only,
    )
    canary = prove.Plan((str(prove.CANARY),), diffs=False)
    conditions = len(plan.tasks()) + 1
    results: list[Any] = []
    with Display() as display:

        def shown(task: Any, result: Any) -> None:
            results.append(result)
            found = sum(r.verdict == prove.COUNTEREXAMPLE for r in results)
            paths = sum(r.paths for r in results)
            counts = f"{task.function} · {paths} paths · {found} counterexamples"
            display("prove", len(results), conditions, counts)

        timeout = max(args.per_condition_timeout, prove.CANARY_TIMEOUT)
        caught = list(prove.prove_apart(canary, timeout, args.budget, shown))[:1]
        paths = args.max_paths or prove.UNLIMITED
        list(prove.prove_apart(plan, args.per_condition_timeout, args.budget, shown, paths))
    summary = prove.Summary(results[len(caught) :], caught[0] if caught else None)
    print(f"arenacheck prove --impl {args.impl}")
    print(prove.table(summary.results))
    if summary.canary is not None:
        verdict = "caught" if summary.canary.verdict == prove.COUNTEREXAMPLE else "ESCAPED"
        print(f"  canary ({prove.CANARY.name}): {verdict} in {summary.canary.seconds:.1f} s")
    job = Job(ImplSpec(args.impl), out=Path(args.out))
    failed = failed_conditions(summary.results, impl, job)
    for line in failed.notes:
        print(line)
    if failed.failure is not None:
        print(failed.failure.violation.describe())
        for line in failed.failure.describe(f"--impl {args.impl}"):
            print(line)
    print(summary.line(args.per_condition_timeout))
    return 1 if summary.failed else 0
