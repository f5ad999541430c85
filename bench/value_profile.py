"""Does libFuzzer's value profiling (``-use_value_profile=1``) find the planted bugs sooner?

Run: ``.venv/bin/python bench/value_profile.py [SEEDS]``. For each target and its canary bug
(a bug that needs a non-commutative combine, and one between records), runs the target with and
without value profiling for the same seeds, alternately, and prints the executions each run
needed to find the bug (libFuzzer's count on its last status line before the crash, a close
lower bound; a run that found nothing within the cap shows as ``>cap``) and the medians.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from arenacheck import resources

ROOT = Path(__file__).resolve().parent.parent
CANARIES = {"alist": "swapped_combine", "intervals": "gap_takes_previous_scope"}
CAP = 40_000


def executions(structure: str, seed: int, value_profile: bool) -> int:
    with tempfile.TemporaryDirectory() as out:
        env = {
            **os.environ,
            "ARENACHECK_IMPL": str(resources.gallery() / "bugs" / f"{CANARIES[structure]}.py"),
            "ARENACHECK_FAILURES": out,
        }
        flags = [f"-seed={seed}", f"-runs={CAP}", f"-artifact_prefix={out}/"]
        if value_profile:
            flags.append("-use_value_profile=1")
        target = ROOT / "fuzz" / f"{structure}_fuzz.py"
        result = subprocess.run(
            [sys.executable, str(target), *flags],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if result.returncode == 0:
            return CAP + 1
        counts = re.findall(r"^#(\d+)", result.stderr, re.MULTILINE)
        return int(counts[-1]) if counts else 0


def main() -> None:
    seeds = range(1, 1 + (int(sys.argv[1]) if len(sys.argv) > 1 else 5))
    for structure in CANARIES:
        runs: dict[bool, list[int]] = {False: [], True: []}
        for seed in seeds:
            for value_profile in (False, True):
                runs[value_profile].append(executions(structure, seed, value_profile))
        for value_profile, counts in runs.items():
            shown = ", ".join(f">{CAP}" if c > CAP else str(c) for c in counts)
            label = "value profile" if value_profile else "default      "
            print(f"{structure:<9} {label} median {statistics.median(counts):>8.0f}  [{shown}]")


if __name__ == "__main__":
    main()
