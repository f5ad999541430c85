"""``arenacheck check``: every engine on an implementation, by the check plan."""

from __future__ import annotations

import argparse
import time
from typing import Any

from arenacheck.cli import common, ledger
from arenacheck.engines import engines
from arenacheck.engines.plan import check
from arenacheck.ledger import EXEMPT, classes, forms
from arenacheck.structures import Structure


def add(sub: Any) -> None:
    parser = sub.add_parser("check", help="run the engines against an implementation (main job)")
    common.add_run_options(parser, "--budget", "the whole check")
    for engine in engines():
        engine.add_options(parser)
    ledger.add_options(parser)
    parser.set_defaults(func=run)


def defaults(structures: tuple[Structure, ...]) -> list[tuple[str, int]]:
    """check's own requirements: every form of the structures checked, at least once, but the
    fixed exemptions (``ledger.EXEMPT``) — not what this run happened to reach, so that a form
    the implementation could not run fails the gate (unless ``--allow-unsupported`` accepts
    it), and every class of every classified field's domain. The forms engine runs a program
    for every form and every class, so a clean check meets them all."""
    return [(f, 1) for s in structures for f in [*forms(s), *classes(s)] if f not in EXEMPT]


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
    print(f"{common.verdict(outcomes)} in {time.monotonic() - started:.1f} s")
    run_ledger = ledger.of(outcomes, common.structures(args))
    command = f"arenacheck check {flags}{backend}"
    chosen = common.structures(args)
    return ledger.finish(args, run_ledger, status, [*defaults(chosen), *required], command)
