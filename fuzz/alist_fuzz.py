#!/usr/bin/env python3
"""Atheris target: byte strings as alist programs, run against the implementation and the model.

The programs hold inserts, merges in every combine form, raising and re-entrant callbacks, a
long run of in-order keys, reads, bad handles and foreign keys. Runs standalone with libFuzzer
flags, as ClusterFuzzLite and OSS-Fuzz run it:

    python fuzz/alist_fuzz.py [CORPUS_DIR...] [-runs=N] [-max_total_time=S]

``$ARENACHECK_IMPL`` names another implementation to check (a module or a .py file).
"""

import sys

from arenacheck.engines.fuzz.target import main

if __name__ == "__main__":
    main("alist", sys.argv)
