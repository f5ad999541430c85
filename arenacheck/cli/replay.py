"""``arenacheck replay``: program files through the runner, one verdict each."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from arenacheck.cli import common, ledger
from arenacheck.engines.base import Outcome
from arenacheck.errors import ProgramError
from arenacheck.program import read
from arenacheck.runner import Stats, run_program

#: Replays of more files than this print one line per violation only, under a progress bar.
LISTED_FILES = 20


def add(sub: Any) -> None:
    parser = sub.add_parser("replay", help="re-run program files and print the verdicts")
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="program files, or directories searched for *.jsonl",
    )
    common.add_impl(parser)
    common.add_strict(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print only violations")
    ledger.add_options(parser)
    parser.set_defaults(func=run)


def program_files(paths: Sequence[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(path.rglob("*.jsonl"))
        elif path.exists():
            yield path
        else:
            raise common.UsageError(f"no such file or directory: {name!r}")


def run(args: argparse.Namespace) -> int:
    files = list(program_files(args.files))
    if not files:
        raise common.UsageError("no program files (*.jsonl) found")
    strict = common.strict(args)  # a bad --strict-only is a usage error before anything runs
    required = ledger.requirements(args)
    impl = common.spec(args).load()
    status = 0
    total = Stats()
    structures: set[str] = set()
    listed = not args.quiet and len(files) <= LISTED_FILES
    try:
        with common.bar("replaying", len(files) if len(files) > 1 else 0) as advance:
            for path in files:
                advance()
                try:
                    verdict = run_program(read(path), impl, strict)
                except ProgramError as err:
                    print(f"arenacheck: error: {err}", file=sys.stderr)
                    status = 2
                    continue
                total.add(verdict.stats)
                structures.add(verdict.program.structure)
                if verdict.violation is not None:
                    status = max(status, 1)
                    print(f"{path}: VIOLATION")
                    print(verdict.violation.describe())
                elif verdict.unsupported is not None:
                    print(f"{path}: unsupported at line {verdict.unsupported} (checked up to it)")
                elif listed:
                    s = verdict.stats
                    counts = f"{s.operations} operations, {s.total_checks} law checks"
                    print(f"{path}: ok ({counts})" + common.unnamed(s))
    finally:
        impl.close()
    if len(files) > 1 or args.quiet:
        print(
            f"{len(files)} programs, {total.operations} operations, "
            f"{total.total_checks} law checks{common.unsupported(total)}{common.unnamed(total)}: "
            + ("clean" if status == 0 else "violations found" if status == 1 else "errors")
        )
    if len(files) > LISTED_FILES:
        by_law = sorted(total.checks.items(), key=lambda kv: (-kv[1], kv[0]))
        print("law checks by law: " + ", ".join(f"{law} {n}" for law, n in by_law))
    run_ledger = ledger.of([Outcome("replay", "", 0.0, total)], structures)
    return ledger.finish(args, run_ledger, status, required, "arenacheck replay")
