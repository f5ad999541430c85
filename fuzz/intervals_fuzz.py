#!/usr/bin/env python3
"""Atheris target: byte strings as interval-map programs, run against the implementation and
the model.

The programs record in and out of order, repeat records, conflict, pass bad values, build, and
look up recorded indices, the gaps between them and the outside. Runs standalone with libFuzzer
flags, as ClusterFuzzLite and OSS-Fuzz run it:

    python fuzz/intervals_fuzz.py [CORPUS_DIR...] [-runs=N] [-max_total_time=S]

``$ARENACHECK_IMPL`` names another implementation to check (a module or a .py file).
"""

import sys

from arenacheck.engines.fuzz.target import main

if __name__ == "__main__":
    main("intervals", sys.argv)
