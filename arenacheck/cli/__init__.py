"""The ``arenacheck`` command: it parses, calls and prints. Each command's options live next to
its handler (``check``, ``exhaust``, ``fuzz``, ``replay``, ``prove``, ``selftest``, ``serve``,
and the workloads' ``trace`` and ``bench``).

Exit status: 0 clean, 1 a law was broken, 2 a usage error (bad flags, a malformed program file,
an implementation that cannot be loaded), always as one line on stderr, never a traceback; 3 a
clean run that left a required ledger entry unreached (``check``, ``exhaust``, ``fuzz``,
``replay``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from arenacheck import __version__, impl
from arenacheck.cli import (
    check,
    common,
    exhaust,
    fuzz,
    prove,
    replay,
    selftest,
    serve,
    shrink,
    workloads,
)
from arenacheck.errors import ImplementationLoadError, ProgramError

COMMANDS = (check, exhaust, fuzz, replay, shrink, workloads, prove, selftest, serve)


def build_parser() -> argparse.ArgumentParser:
    parser = common.Parser(
        prog="arenacheck",
        description="Check arena association lists and interval maps against the SPEC model.",
    )
    version = f"arenacheck {__version__}; {impl.describe()}"  # the build --impl arenacheck.impl is
    parser.add_argument("--version", action="version", version=version)
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=common.Parser
    )
    for command in COMMANDS:
        command.add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        common.load_ops(args)
        return int(args.func(args))
    except (common.UsageError, ProgramError, ImplementationLoadError) as err:
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
