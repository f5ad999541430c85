"""``arenacheck serve``: a Python implementation as a protocol server on stdin/stdout."""

from __future__ import annotations

import argparse
from typing import Any

from arenacheck.cli import common
from arenacheck.implementation import load
from arenacheck.protocol import server


def add(sub: Any) -> None:
    parser = sub.add_parser(
        "serve", help="answer the SPEC §4 protocol on stdin/stdout with a Python implementation"
    )
    parser.add_argument(
        "--impl",
        default="arenacheck.model",
        metavar="MODULE",
        help="module name or .py file to serve (default: the model, arenacheck.model)",
    )
    common.add_ops(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return server.main(load(args.impl))
