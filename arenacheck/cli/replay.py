"""``arenacheck replay``: program files through the runner, one verdict each."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from arenacheck.cli import common, ledger
from arenacheck.drive import run_program
from arenacheck.errors import ProgramError
from arenacheck.ledger import Ledger
from arenacheck.program import read_all
from arenacheck.verdicts import Stats, Verdict

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
    common.add_ops(parser)
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
                    programs = read_all(path)
                except ProgramError as err:
                    print(f"arenacheck: error: {err}", file=sys.stderr)
                    status = 2
                    continue
                verdict, where = replay_all(programs, impl, strict)
                for program in programs:
                    structures.add(program.structure)
                total.add(verdict.stats)
                if verdict.violation is not None:
                    status = max(status, 1)
                    print(f"{path}: VIOLATION{where}")
                    print(verdict.violation.describe())
                elif verdict.unsupported is not None:
                    print(
                        f"{path}: cut short at line {verdict.unsupported}: {verdict.cut} "
                        "answered unsupported (checked up to it)"
                    )
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
    run_ledger = Ledger(structures=structures)
    run_ledger.add_stats("replay", total)
    return ledger.finish(args, run_ledger, status, required, "arenacheck replay")


def replay_all(programs: list[Any], impl: Any, strict: Any) -> tuple[Verdict, str]:
    """A file's programs in order, in this one process (a program sequence: the programs that
    ran before a failure, then it); the first violation's verdict, and which program it is."""
    total = Stats()
    verdict = None
    for number, program in enumerate(programs, 1):
        verdict = run_program(program, impl, strict)
        total.add(verdict.stats)
        if verdict.violation is not None:
            where = f" (program {number} of {len(programs)})" if len(programs) > 1 else ""
            return Verdict(program, verdict.violation, total), where
    assert verdict is not None
    return Verdict(verdict.program, None, total, verdict.unsupported), ""
