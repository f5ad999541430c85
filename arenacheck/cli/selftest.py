"""``arenacheck selftest``: each engine alone against each planted bug and each legal variant."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from arenacheck.cli import common
from arenacheck.cli.display import Display
from arenacheck.report import write_between_markers


def add(sub: Any) -> None:
    from arenacheck.engines.selftest import ENGINES

    parser = sub.add_parser(
        "selftest", help="run each engine alone against each planted bug of the gallery"
    )
    common.add_seconds(parser, "--budget", 60.0, "each engine on each bug")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument(
        "--bug",
        nargs="+",
        default=None,
        metavar="NAME",
        help="only these gallery bugs and legal variants",
    )
    parser.add_argument(
        "--no-variants", action="store_true", help="skip the legal variants (bugs only)"
    )
    parser.add_argument(
        "--markdown", default=None, metavar="FILE", help="also write the matrix as Markdown"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from arenacheck.engines import selftest

    paths, variants = selftest.bugs(), selftest.variants()
    if not paths:
        raise common.UsageError("selftest needs the gallery, which this installation lacks")
    if args.bug:
        unknown = sorted(set(args.bug) - {p.stem for p in [*paths, *variants]})
        if unknown:
            raise common.UsageError(f"no such gallery bug or legal variant: {', '.join(unknown)}")
        paths = [p for p in paths if p.stem in args.bug]
        variants = [p for p in variants if p.stem in args.bug]
    if args.no_variants:
        variants = []
    engines = tuple(args.engines)
    cells = (len(paths) + len(variants)) * len(engines)
    with Display() as display:
        done = [0]

        def shown(bug: str, engine: str, cell: Any) -> None:
            done[0] += 1
            display("selftest", done[0], cells, f"{bug} · {engine}: {cell.describe()}")

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
