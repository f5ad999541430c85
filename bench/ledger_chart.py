"""A ledger as a chart: checks per form, by engine, on a log scale (docs/ledger.png).

Run: ``.venv/bin/python bench/ledger_chart.py REPORT.json OUT.png`` (``make ledger-chart`` makes
the report with a default ``check`` first). Needs matplotlib (``arenacheck[plot]``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(report: Path, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = json.loads(report.read_text())
    forms = [f for s in data["structures"] for f in data["forms"][s]]
    engines = data["engines"]
    counts = {e: dict.fromkeys(forms, 0) for e in engines}
    for entry in data["entries"]:
        for engine, n in entry["checks"].items():
            if entry["form"] in counts[engine]:
                counts[engine][entry["form"]] += n
    figure, axis = plt.subplots(figsize=(9, max(6, len(forms) * 0.11)))
    left = [0.0] * len(forms)
    for engine in engines:
        values = [counts[engine][f] for f in forms]
        axis.barh(range(len(forms)), values, left=left, label=engine, height=0.8)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axis.set_xscale("symlog")
    axis.set_yticks(range(len(forms)), forms, fontsize=5)
    axis.invert_yaxis()
    axis.set_xlabel("law checks (symmetric log scale)")
    axis.set_title(f"what a check exercised: {data['command']}", fontsize=9)
    axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(out, dpi=130)
    print(f"chart written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
