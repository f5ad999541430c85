"""``arenacheck check``: every engine on an implementation, by the check plan."""

from __future__ import annotations

import argparse
import time
from typing import Any

from arenacheck.cli import common, ledger
from arenacheck.engines import engines
from arenacheck.engines.base import Outcome
from arenacheck.engines.plan import check


def add(sub: Any) -> None:
    parser = sub.add_parser("check", help="run the engines against an implementation (main job)")
    common.add_run_options(parser, "--budget", "the whole check")
    for engine in engines():
        engine.add_options(parser)
    ledger.add_options(parser)
    parser.set_defaults(func=run)


def defaults(outcomes: list[Outcome]) -> list[tuple[str, int]]:
    """check's own requirements: every form the exhaust and forms engines reached, at least once —
    what a check reaches deterministically, on any machine (a form the implementation answered
    unsupported, or that a violation cut short, is not required)."""
    deterministic = ("exhaust", "forms")
    reached = {f for o in outcomes if o.engine in deterministic for (_, f) in o.stats.entries}
    return [(form, 1) for form in sorted(reached)]


def run(args: argparse.Namespace) -> int:
    spec, strict = common.spec(args), common.strict(args)
    required = ledger.requirements(args)
    settings = common.engine_settings(args, engines())
    started = time.monotonic()
    outcomes, left_out = common.run_job(args, args.budget, check, settings)
    backend = "" if args.backend == "hypothesis" else f" --backend {args.backend}"
    flags = spec.flags() + common.strict_flags(strict)
    print(f"arenacheck check {flags}{backend}")
    for outcome in outcomes:
        common.print_outcome(outcome, flags)
    for phase in left_out:
        if phase.skipped is not None:
            print(f"  (no {phase.name} phase: {phase.skipped})")
    status = 1 if any(o.failed for o in outcomes) else 0
    print(f"{'violation found' if status else 'clean'} in {time.monotonic() - started:.1f} s")
    run_ledger = ledger.of(outcomes, common.structures(args))
    command = f"arenacheck check {flags}{backend}"
    return ledger.finish(args, run_ledger, status, [*defaults(outcomes), *required], command)
