#!/bin/bash -eu
# Builds every target in fuzz/ with the Python fuzzer build step of OSS-Fuzz / ClusterFuzzLite.
# The targets are the same files `arenacheck fuzz` and the test suite run.
#
# The install compiles the compiled build (impl/_native.c) with the builder's clang and CFLAGS:
# for a sanitizer build those hold -fsanitize=address (or undefined) and -fsanitize=fuzzer-no-link,
# so libFuzzer sees the C kernels' edges and the sanitizer their memory (docs/fuzzing.md).
python3 -m pip install .
python3 -c "import arenacheck.impl as impl; assert impl.BUILD == 'compiled', impl.WHY"
for target in fuzz/*_fuzz.py; do
  compile_python_fuzzer "$target"
done
