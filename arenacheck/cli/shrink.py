"""``arenacheck shrink``: a failing program down the failure path with all the time it needs —
what an engine's report names when its own shrinking ran out of budget."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from arenacheck.cli import common
from arenacheck.drive import run_program
from arenacheck.failure import report
from arenacheck.program import read


def add(sub: Any) -> None:
    parser = sub.add_parser(
        "shrink", help="shrink a failing program file to a minimal one, and replay that afresh"
    )
    parser.add_argument("file", metavar="FILE", help="a program file that breaks a law")
    common.add_impl(parser)
    common.add_ops(parser)
    common.add_strict(parser)
    common.add_seconds(parser, "--budget", 600.0, "shrinking")
    common.add_out(parser, "the shrunk program")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    program = read(args.file)
    spec, strict = common.spec(args), common.strict(args)
    flags = spec.flags() + common.strict_flags(strict)
    impl = spec.load((program.structure,))
    try:
        verdict = run_program(program, impl, strict)
        if verdict.violation is None:
            print(f"{args.file}: keeps every law here: nothing to shrink")
            return 0
        failure = report(
            program, verdict.violation, impl, Path(args.out), spec, strict, args.budget
        )
    finally:
        impl.close()
    print(f"arenacheck shrink {args.file} {flags}")
    print(failure.violation.describe())
    for line in failure.describe(flags):
        print(line)
    return 1
