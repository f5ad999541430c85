"""The ledger at the end of ``check``, ``fuzz`` and ``replay``: what the run exercised, the forms
it never reached and the thinnest ones; ``--ledger`` for the whole table, ``--report FILE.json``
for CI, ``--require ENTRY>=N`` as a gate (exit status 3: clean, but a required entry was not
reached)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from arenacheck.cli.common import UsageError
from arenacheck.engines.base import Outcome
from arenacheck.ledger import Ledger, forms, parse_requirement, unmet

#: The exit status of a run that is clean but left a required entry unreached.
UNMET = 3


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ledger", action="store_true", help="print the whole ledger: every form, law and engine"
    )
    parser.add_argument(
        "--report", default=None, metavar="FILE.json", help="write the ledger and verdict as JSON"
    )
    parser.add_argument(
        "--require",
        action="append",
        default=[],
        metavar="ENTRY>=N",
        help="exit 3 unless ENTRY (a form, a law, or LAW@FORM) has at least N checks; repeatable",
    )


def requirements(args: argparse.Namespace) -> list[tuple[str, int]]:
    try:
        return [parse_requirement(text) for text in args.require]
    except ValueError as err:
        raise UsageError(f"--require: {err}") from None


def of(outcomes: Iterable[Outcome], structures: Iterable[str]) -> Ledger:
    """The ledger of a run's outcomes."""
    ledger = Ledger(structures=set(structures))
    for outcome in outcomes:
        if outcome.stats.entries:  # prove's conditions run symbolically: they feed no ledger
            ledger.add(outcome.engine, outcome.stats.entries, outcome.stats.first)
    return ledger


def finish(
    args: argparse.Namespace,
    ledger: Ledger,
    status: int,
    required: list[tuple[str, int]],
    command: str,
    extra: dict[str, Any] | None = None,
) -> int:
    """Print the ledger (compact, or whole with ``--ledger``), write ``--report`` (with
    ``extra``'s fields), and return the exit status: ``status``, or 3 when it is clean but a
    requirement is unmet."""
    missing = unmet(ledger, required)
    print(table(ledger) if args.ledger else compact(ledger))
    for entry, wanted, counted in missing:
        print(f"  required {entry}>={wanted}: {counted} checks")
    final = UNMET if status == 0 and missing else status
    if args.report:
        report: dict[str, Any] = ledger.report()
        report["command"] = command
        report["status"] = final
        report["requirements"] = [
            {"entry": e, "at_least": n, "checks": ledger.count(e)} for e, n in required
        ]
        report.update(extra or {})
        Path(args.report).write_text(json.dumps(report, indent=1) + "\n")
    return final


def compact(ledger: Ledger) -> str:
    """A few lines: how many forms were reached, the ones never reached, the thinnest."""
    every = [f for s in sorted(ledger.structures) for f in forms(s)]
    never = ledger.unreached()
    total = sum(ledger.total().values())
    lines = [f"ledger: {len(every) - len(never)} of {len(every)} forms reached, {total} checks"]
    if never:
        shown = ", ".join(never[:12]) + (
            f", ... ({len(never) - 12} more)" if len(never) > 12 else ""
        )
        lines.append(f"  never reached: {shown}")
    thin = ledger.thinnest(6)
    if thin:
        lines.append("  thinnest: " + ", ".join(f"{form} ({n})" for form, n in thin))
    return "\n".join(lines)


def table(ledger: Ledger) -> str:
    """Every form of the run's structures: checks in all, by engine, and the laws checked."""
    engines = sorted(ledger.checks)
    by_engine = {engine: _by_form(counts) for engine, counts in ledger.checks.items()}
    total = ledger.total()
    rows = [("form", "checks", *engines, "laws")]
    for structure in sorted(ledger.structures):
        for form in forms(structure):
            checks = [by_engine[e].get(form, 0) for e in engines]
            laws = sorted({law for (law, f), n in total.items() if f == form and n})
            rows.append((form, str(sum(checks)), *map(str, checks), ", ".join(laws)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  "
        + "  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True))
        + "  "
        + row[-1]
        for row in rows
    )


def _by_form(counts: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for (_, form), n in counts.items():
        out[form] = out.get(form, 0) + n
    return out
