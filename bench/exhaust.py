"""Programs and seconds by depth for ``arenacheck exhaust``, in process and through the C adapter
(docs/exhaustive.md, docs/exhaustive.png).

Run: ``.venv/bin/python bench/exhaust.py [--cap SECONDS] [--json OUT.json] [--chart OUT.png]``
(``make bench-exhaust``). Each configuration is deepened one operation at a time while the next
depth, estimated from the last one's seconds times its growth in programs, would take under
``--cap`` seconds; each depth is its own run (a run at depth ``n`` includes every
shallower program, so its seconds are the whole cost of that bound). The chart needs matplotlib
(``arenacheck[plot]``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from arenacheck.engines import exhaust
from arenacheck.engines.exhaust import Bounds, canonical_keys, run
from arenacheck.strict import CONFLICT_CHOICE, NONE, parse
from arenacheck.targets import ImplSpec

ROOT = Path(__file__).resolve().parent.parent
ADAPTER = ROOT / "examples" / "c" / "build" / "adapter"


@dataclass
class Config:
    """One line of the table and of the chart."""

    label: str
    structure: str
    keys: int
    scopes: int = 3
    alphabet: str = "full"
    long: bool = False
    commute: bool = True
    process: bool = False
    deepest: int = 10
    relabel: bool = True  # False: every key and scope labelling runs (the reduction measured)


CONFIGS = [
    Config("alists, every form, 3 keys", "alist", 3, deepest=4),
    Config("alists, set forms, 2 keys", "alist", 2, alphabet="set"),
    Config("alists, long runs, every form", "alist", 0, long=True, deepest=3),
    Config("intervals, 5 indices, 3 scopes", "intervals", 5, deepest=8),
    Config("intervals, 5 indices, 3 scopes, every order", "intervals", 5, commute=False),
    Config("alists, every form, 3 keys, keys not relabelled", "alist", 3, deepest=2, relabel=False),
    Config(
        "intervals, 5 indices, 3 scopes, scopes not relabelled",
        "intervals",
        5,
        deepest=5,
        relabel=False,
    ),
    Config("C adapter: alists, set forms, 2 keys", "alist", 2, alphabet="set", process=True),
    Config("C adapter: intervals, 5 indices, 3 scopes", "intervals", 5, process=True),
]


def measure(config: Config, cap: float) -> list[dict[str, float]]:
    """Programs, operations and seconds of each depth of ``config`` until one takes ``cap``."""
    spec = ImplSpec(command=str(ADAPTER)) if config.process else ImplSpec("arenacheck.impl")
    rows = []
    for depth in range(1, config.deepest + 1):
        bounds = Bounds(
            config.structure,  # type: ignore[arg-type]
            depth,
            keys=config.keys or 3,
            scopes=config.scopes,
            alphabet=config.alphabet,
            long=config.long,
            commute=config.commute,
        )
        impl = spec.load((config.structure,))  # type: ignore[arg-type]
        # Without relabelling: every key set runs (no program is skipped as a relabelling), and
        # every scope is offered (what the strict conflict choice needs, where names matter).
        exhaust.canonical_keys = canonical_keys if config.relabel else lambda ops, bounds: 0
        strict = NONE if config.relabel else parse([CONFLICT_CHOICE])
        try:
            certificate, found = run(impl, spec, bounds, strict)
        finally:
            impl.close()
        assert found is None, f"{config.label}: a violation at depth {depth}"
        row = {
            "depth": depth,
            "programs": certificate.total,
            "operations": certificate.operations,
            "seconds": round(certificate.seconds, 2),
        }
        rows.append(row)
        print(f"{config.label:<48} depth {depth}: {row}", flush=True)
        growth = certificate.total / rows[-2]["programs"] if len(rows) > 1 else 1.0
        if certificate.seconds * growth > cap:  # the next depth would take longer than cap
            print(
                f"{config.label:<48} depth {depth + 1}: est. {certificate.seconds * growth:.0f} s"
            )
            break
    return rows


def table(results: dict[str, list[dict[str, float]]]) -> str:
    lines = ["| configuration | depth | programs | operations | seconds |", "|---|---|---|---|---|"]
    for label, rows in results.items():
        for row in rows:
            lines.append(
                f"| {label} | {row['depth']} | {row['programs']:,} | {row['operations']:,} "
                f"| {row['seconds']} |"
            )
    return "\n".join(lines)


def chart(results: dict[str, list[dict[str, float]]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    for label, rows in results.items():
        depths = [r["depth"] for r in rows]
        style = "--" if label.startswith("C adapter") else "-"
        left.plot(depths, [r["programs"] for r in rows], style, marker="o", label=label)
        right.plot(depths, [max(r["seconds"], 0.01) for r in rows], style, marker="o")
    for axis, what in ((left, "canonical programs"), (right, "seconds (one core)")):
        axis.set_yscale("log")
        axis.set_xlabel("operations per program (max)")
        axis.set_ylabel(what)
        axis.grid(alpha=0.3)
    right.axhline(600, color="grey", linewidth=0.8)
    right.text(1, 700, "10 minutes", fontsize=7, color="grey")
    left.legend(fontsize=6)
    figure.suptitle("arenacheck exhaust: the cost of depth (bench/exhaust.py)", fontsize=10)
    figure.tight_layout()
    figure.savefig(out, dpi=130)
    print(f"chart written to {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=600.0, help="the longest depth to try")
    parser.add_argument("--only", help="run only the configurations whose label contains this")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "exhaust.json")
    parser.add_argument("--chart", type=Path, help="write the chart here (needs matplotlib)")
    args = parser.parse_args()
    if not ADAPTER.exists():
        subprocess.run(
            ["make", "-s", "-C", str(ADAPTER.parent.parent), "build/adapter"], check=True
        )
    configs = [c for c in CONFIGS if args.only is None or args.only in c.label]
    results = {c.label: measure(c, args.cap) for c in configs}
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": machine, "results": results}, indent=1))
    print(f"\n{machine}, Python {sys.version.split()[0]}\n\n{table(results)}")
    if args.chart:
        chart(results, args.chart)


if __name__ == "__main__":
    main()
