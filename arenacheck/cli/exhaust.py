"""``arenacheck exhaust``: every canonical program within bounds, and a certificate of it.

``--shard I/N`` runs one part of the enumeration (for a CI matrix), ``--resume FILE`` keeps a
checkpoint in FILE and continues from one, ``--combine FILE...`` makes the certificate of the
whole from its shards' reports. Exit status: 0 a certificate, 1 a violation (the program found at
the smallest depth, shrunk and written), 2 a usage error, 3 a certificate whose ledger misses a
``--require``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from arenacheck.cli import common, ledger
from arenacheck.engines.base import Outcome
from arenacheck.structures import Structure

#: The report's schema: the ledger's report with the certificates beside it.
SCHEMA = "arenacheck-exhaust/2"
#: A checkpoint (``--resume``) is written at most this often, and at the end.
CHECKPOINT_SECONDS = 10.0


def add(sub: Any) -> None:
    parser = sub.add_parser(
        "exhaust",
        help="check every canonical program up to a size, and print a certificate",
        description="Enumerate every canonical program within the bounds, check each against "
        "the model, and print a certificate of what held (docs/exhaustive.md).",
    )
    common.add_impl(parser)
    common.add_ops(parser)
    common.add_structure(parser)
    parser.add_argument(
        "--max-ops",
        type=_count,
        default=None,
        metavar="N",
        help="programs of up to N operations (default: alist 2, intervals 5; 3 with --long)",
    )
    parser.add_argument(
        "--keys",
        type=_count,
        default=None,
        metavar="K",
        help="interior alist keys (beside both 64-bit edges, always in), or interval record "
        "indices, in the domain (default: 3; intervals 5)",
    )
    parser.add_argument(
        "--scopes", type=_count, default=3, metavar="S", help="interval scopes (default: 3)"
    )
    parser.add_argument(
        "--alphabet",
        choices=["full", "set"],
        default="full",
        help="alist operations: every form (default), or the set forms alone (no values, "
        "callbacks, raises or bad handles), which go deeper",
    )
    parser.add_argument(
        "--values",
        choices=["int", "typed"],
        default="int",
        help="alist values: ints (default), or the typed domain beside them (a bool and a float "
        "equal to 1, a NaN, a tuple, a list: docs/exhaustive.md)",
    )
    parser.add_argument(
        "--long",
        action="store_true",
        help="alists: the long-run domain (runs of 2,000 keys, then the alphabet on them)",
    )
    parser.add_argument(
        "--every-order",
        action="store_true",
        help="intervals: run accepted records, and reads of a built map, in every order, not "
        "one order per set",
    )
    parser.add_argument(
        "--every-key",
        action="store_true",
        help="run every program over the domain's keys and scopes, not one of each class the "
        "order-preserving relabelling of interior keys (and of small scopes) makes",
    )
    parser.add_argument(
        "--shard", default=None, metavar="I/N", help="run part I of N (0 <= I < N) of the programs"
    )
    parser.add_argument(
        "--resume",
        default=None,
        metavar="FILE.json",
        help="keep a checkpoint in FILE; if it holds one, continue from it",
    )
    parser.add_argument(
        "--combine",
        nargs="+",
        default=None,
        metavar="FILE.json",
        help="no run: combine the reports of a run's shards into the whole's certificate",
    )
    common.add_out(parser, "failing programs")
    common.add_strict(parser)
    ledger.add_options(parser)
    parser.set_defaults(func=run)


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


def shard(text: str | None) -> tuple[int, int]:
    """``I/N`` as ``(I, N)``; a malformed one is a usage error."""
    if text is None:
        return (0, 1)
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and int(index) < int(count)):
        raise common.UsageError(f"--shard is I/N with 0 <= I < N, not {text!r}")
    return int(index), int(count)


def bounds_of(args: argparse.Namespace, structure: Structure) -> Any:
    from arenacheck.engines.exhaust import Bounds

    if args.long and structure != "alist":
        raise common.UsageError("--long is a domain of alists: use --structure alist")
    default_ops = 3 if args.long else {"alist": 2, "intervals": 5}[structure]
    return Bounds(
        structure,
        args.max_ops or default_ops,
        keys=args.keys or {"alist": 3, "intervals": 5}[structure],
        scopes=args.scopes,
        alphabet=args.alphabet,
        long=args.long,
        commute=not args.every_order,
        relabel=not args.every_key,
        values=args.values,
    )


def load_report(path: str) -> list[Any]:
    """The certificates of a report (or checkpoint) file; a bad one is a usage error."""
    from arenacheck.engines.exhaust import Certificate

    try:
        data = json.loads(Path(path).read_text())
        return [Certificate.from_json(c) for c in data["certificates"]]
    except FileNotFoundError:
        raise common.UsageError(f"no such file: {path!r}") from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise common.UsageError(f"{path}: not an exhaust report ({err})") from None


def write_report(path: Path, certificates: list[Any], extra: dict[str, Any]) -> None:
    data = {"schema": SCHEMA, **extra, "certificates": [c.to_json() for c in certificates]}
    path.write_text(json.dumps(data, indent=1) + "\n")


def run(args: argparse.Namespace) -> int:
    from arenacheck.cli.display import Display
    from arenacheck.engines import exhaust

    required = ledger.requirements(args)
    if args.combine:
        return combine(args, required)
    part, strict = shard(args.shard), common.strict(args)
    chosen = common.structures(args)
    if args.long:  # the long-run domain holds alists alone: "all" means the alist one
        chosen = ("alist",) if args.structure == "all" else chosen
    bounds = {s: bounds_of(args, s) for s in chosen}
    resumed = {}
    if args.resume and Path(args.resume).exists():
        resumed = {c.bounds["structure"]: c for c in load_report(args.resume)}
    spec = common.spec(args)
    flags = spec.flags() + common.strict_flags(strict)
    command = f"arenacheck exhaust {flags}" + (f" --shard {args.shard}" if args.shard else "")
    print(command)
    impl = spec.load(chosen)
    certificates: list[Any] = []
    outcomes: list[Outcome] = []
    try:
        with Display() as display:
            for structure in chosen:
                saver = Checkpoint(args.resume, certificates, resumed.get(structure))
                task = f"exhaust · {structure}"

                def shown(run: Any, task: str = task, saver: Checkpoint = saver) -> None:
                    done, total = run.progress
                    display(task, done, total, f"{sum(run.programs.values())} programs")
                    saver.save(run)

                try:
                    certificate, found = exhaust.run(
                        impl,
                        spec,
                        bounds[structure],
                        strict,
                        part,
                        saver.resume,
                        shown,
                        ledger.accepted(args),
                    )
                except ValueError as err:
                    raise common.UsageError(f"--resume {args.resume}: {err}") from None
                outcome = exhaust.outcome_of(certificate, found, impl, spec, strict, Path(args.out))
                outcomes.append(outcome)
                if found is not None:
                    break
                certificates.append(certificate)
    finally:
        impl.close()
    status = 1 if any(o.failed for o in outcomes) else 0
    for outcome in outcomes:
        if outcome.failed:
            common.print_outcome(outcome, flags)
    for certificate in certificates:
        print(certificate.describe())
    if args.resume and not status:
        write_report(Path(args.resume), certificates, {"complete": True})
    return finish(args, certificates, outcomes, status, required, command)


def combine(args: argparse.Namespace, required: list[tuple[str, int]]) -> int:
    from arenacheck.engines import exhaust

    shards = [c for path in args.combine for c in load_report(path)]
    try:
        wholes = exhaust.combine_reports(shards)
    except ValueError as err:
        raise common.UsageError(f"--combine: {err}") from None
    for whole in wholes:
        print(whole.describe())
    outcomes = [exhaust.ledger_outcome(whole) for whole in wholes]
    return finish(args, wholes, outcomes, 0, required, "arenacheck exhaust --combine")


class Checkpoint:
    """Writes ``--resume``'s file: the certificates done, and the one under way (``complete``
    false), at most every ``CHECKPOINT_SECONDS``."""

    def __init__(self, path: str | None, done: list[Any], resume: Any) -> None:
        self.path, self.done, self.resume = path, done, resume
        self.last = time.monotonic()

    def save(self, run: Any) -> None:
        if self.path is None or time.monotonic() - self.last < CHECKPOINT_SECONDS:
            return
        from arenacheck.engines import exhaust

        partial = exhaust.checkpoint(run, self.resume)
        write_report(Path(self.path), [*self.done, partial], {"complete": False})
        self.last = time.monotonic()


def finish(
    args: argparse.Namespace,
    certificates: list[Any],
    outcomes: list[Outcome],
    status: int,
    required: list[tuple[str, int]],
    command: str,
) -> int:
    """The ledger, ``--report`` (the ledger's report and the certificates) and the exit status."""
    run_ledger = ledger.of(outcomes, {o.structure for o in outcomes})
    extra = {"schema_exhaust": SCHEMA, "certificates": [c.to_json() for c in certificates]}
    return ledger.finish(args, run_ledger, status, required, command, extra)
