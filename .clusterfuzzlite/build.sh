#!/bin/bash -eu
# Builds every target in fuzz/ with the Python fuzzer build step of OSS-Fuzz / ClusterFuzzLite.
# The targets are the same files `arenacheck fuzz` and the test suite run.
python3 -m pip install .
for target in fuzz/*_fuzz.py; do
  compile_python_fuzzer "$target"
done
