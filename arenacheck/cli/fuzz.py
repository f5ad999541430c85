"""``arenacheck fuzz``: the Atheris targets for a time budget."""

from __future__ import annotations

import argparse
from typing import Any

from arenacheck.cli import common, ledger
from arenacheck.engines import engine


def add(sub: Any) -> None:
    parser = sub.add_parser("fuzz", help="coverage-guided fuzzing of the implementation (atheris)")
    common.add_run_options(parser, "--time", "the whole run")
    engine("fuzz").add_options(parser)
    parser.set_defaults(corpus="fuzz/corpus")  # kept between the runs of this command
    parser.add_argument(
        "libfuzzer", nargs="*", metavar="-- LIBFUZZER_ARGS", help="passed to every target process"
    )
    ledger.add_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fuzz = engine("fuzz")
    spec, strict = common.spec(args), common.strict(args)
    required = ledger.requirements(args)
    reason = fuzz.unavailable(spec)
    if reason is not None:
        raise common.UsageError(f"fuzzing needs atheris: {reason}")
    settings = common.engine_settings(args, [fuzz])
    outcomes = common.run_job(args, args.time, fuzz.run, settings)
    flags = spec.flags() + common.strict_flags(strict)
    print(f"arenacheck fuzz {flags}")
    for outcome in outcomes:
        common.print_outcome(outcome, flags)
    status = 1 if any(o.failed for o in outcomes) else 0
    run_ledger = ledger.of(outcomes, common.structures(args))
    return ledger.finish(args, run_ledger, status, required, f"arenacheck fuzz {flags}")
