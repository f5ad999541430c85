"""The ledger at the end of ``check``, ``exhaust``, ``fuzz`` and ``replay``: what the run
exercised, the forms it never reached and the thinnest ones, the domain classes it reached, the
programs an unsupported answer
cut short; ``--ledger`` for the whole table, ``--report FILE.json`` for CI, and the gate (exit
status 3: no violation, but a ``--require``d entry was not reached, or a program was cut short
at a form ``--allow-unsupported`` does not accept)."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from arenacheck.cli.common import UsageError
from arenacheck.engines.base import Outcome
from arenacheck.ledger import Ledger, allowed, classes, forms, parse_requirement, unmet
from arenacheck.ledger import waived as is_waived

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
        help="exit 3 unless ENTRY (a form, a law, or LAW@FORM) has at least N checks, or a "
        "domain class (OPERATION.FIELD:CLASS) at least N operations; repeatable",
    )
    parser.add_argument(
        "--allow-unsupported",
        action="append",
        default=[],
        metavar="FORM[,FORM]",
        help="accept these forms (or patterns: 'insert_with:*') as unsupported by the "
        "implementation: no exit 3 for programs cut short there, nor for a requirement on them; "
        "recorded in the report",
    )


def accepted(args: argparse.Namespace) -> list[str]:
    """The forms (or patterns) ``--allow-unsupported`` names."""
    return sorted({f.strip() for text in args.allow_unsupported for f in text.split(",") if f})


def requirements(args: argparse.Namespace) -> list[tuple[str, int]]:
    try:
        return [parse_requirement(text) for text in args.require]
    except ValueError as err:
        raise UsageError(f"--require: {err}") from None


def of(outcomes: Iterable[Outcome], structures: Iterable[str]) -> Ledger:
    """The ledger of a run's outcomes."""
    ledger = Ledger(structures=set(structures))
    for outcome in outcomes:
        if outcome.stats.entries or outcome.stats.cut:  # prove's conditions feed no ledger
            ledger.add_stats(outcome.engine, outcome.stats)
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
    ``extra``'s fields), and return the exit status: ``status``, or 3 when there is no
    violation but a requirement is unmet or a program was cut short at a form not accepted."""
    accepting = accepted(args)
    cut = ledger.cut_short()
    missing = unmet(ledger, required)
    waived = [m for m in missing if is_waived(m[0], accepting, cut)]
    missing = [m for m in missing if m not in waived]
    refused = sorted(form for form in cut if not allowed(form, accepting))
    print(table(ledger) if args.ledger else compact(ledger))
    if missing and status == 0:  # (after a violation, what was not reached is no news)
        shown = _some([f"{entry}>={wanted} ({counted})" for entry, wanted, counted in missing])
        print(f"  required, not met ({len(missing)}; checks in brackets): {shown}")
    if waived:
        names = _some([entry for entry, _, _ in waived])
        print(f"  not required, accepted as unsupported (--allow-unsupported): {names}")
    if refused:
        print(f"  cut short at forms not accepted as unsupported: {_some(refused)}")
        print(f"  to accept them: --allow-unsupported {','.join(refused)}")
    final = UNMET if status == 0 and (missing or refused) else status
    if args.report:
        report: dict[str, Any] = ledger.report()
        report["command"] = command
        report["status"] = final
        report["requirements"] = [
            {
                "entry": e,
                "at_least": n,
                "checks": ledger.count(e),
                "accepted": is_waived(e, accepting, cut),
            }
            for e, n in required
        ]
        report["allow_unsupported"] = accepting
        report["cut_short_not_accepted"] = refused
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
        lines.append(f"  never reached: {_some(never)}")
    thin = ledger.thinnest(6)
    if thin:
        lines.append("  thinnest: " + ", ".join(f"{form} ({n})" for form, n in thin))
    every_class = [c for s in sorted(ledger.structures) for c in classes(s)]
    if every_class:
        missed = ledger.unreached_classes()
        reached = len(every_class) - len(missed)
        lines.append(f"  domain: {reached} of {len(every_class)} classes reached")
        if missed:
            lines.append(f"  domain never reached: {_some(missed)}")
    cut = ledger.cut_short()
    if cut:
        shown = _some([f"{form} ({n})" for form, n in sorted(cut.items())])
        lines.append(f"  cut short as unsupported: {sum(cut.values())} programs, at {shown}")
    return "\n".join(lines)


def _some(items: list[str], most: int = 12) -> str:
    """The first ``most`` items, and how many more (the report lists them all)."""
    more = f", ... ({len(items) - most} more)" if len(items) > most else ""
    return ", ".join(items[:most]) + more


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
        for label in classes(structure):  # operations, not checks: the domain reached
            ran = [ledger.reached.get(e, Counter())[label] for e in engines]
            rows.append((label, str(sum(ran)), *map(str, ran), "(operations)"))
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
