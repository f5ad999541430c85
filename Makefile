# Set-up is part of every target: a fresh clone needs only Python >= 3.11 with pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SOURCES := model impl arenacheck tests bench fuzz mutation setup.py
# The compiled build, rebuilt in place when impl/_native.c changes (without a compiler the install
# and the rebuild go on: arenacheck.impl runs the pure build, and says so in `arenacheck --version`).
NATIVE := build/native.stamp

.PHONY: check prove test test-fast test-sanitize native lint format clean bench-columns bench-harness bench-protocol bench-ledger ledger-chart bench-exhaust seeds mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[fuzz,prove]'
	mkdir -p build && touch $@ $(NATIVE)

$(VENV)/.installed-test: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	mkdir -p build && touch $@ $(NATIVE)

## native: rebuild the compiled build (impl/_native.c) in place; `pip install -e .` builds it too
native: $(NATIVE)
$(NATIVE): impl/_native.c setup.py | $(BIN)/python
	$(BIN)/python setup.py -q build_ext --inplace
	mkdir -p build && touch $@

## check: verify the bundled implementation: stateful machines, fuzzing, then the prove phase (ARGS="--budget 600")
check: $(VENV)/.installed $(NATIVE)
	$(BIN)/arenacheck check $(ARGS)

## prove: CrossHair over every contract and model diff (ARGS="--per-condition-timeout 60 --budget 3600")
prove: $(VENV)/.installed
	$(BIN)/arenacheck prove $(ARGS)

## test: lint, type-check, then the whole test suite (every tier), one test process per core
PYTEST_ARGS ?= -n auto --dist worksteal
test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-sanitize: the suites that drive the compiled build, under ASan/UBSan, and its leak check (slow; not in CI)
SANITIZED := build/sanitize/_native$(shell $(PYTHON) -c "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))")
# (check on the pure build is left out: its fuzz phase runs libFuzzer processes of its own)
SANITIZE_SUITES := tests/test_native.py tests/test_impl_alist.py tests/test_impl_intervals.py tests/test_corpus.py tests/test_stateful.py tests/test_exhaust.py
SANITIZE_CC ?= gcc
test-sanitize: $(VENV)/.installed-test
	mkdir -p build/sanitize
	$(SANITIZE_CC) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-shared -fPIC -I$$($(BIN)/python -c "import sysconfig; print(sysconfig.get_paths()['include'])") \
		impl/_native.c -o $(SANITIZED)
	ARENACHECK_BUILD=compiled ARENACHECK_NATIVE=$(abspath $(SANITIZED)) \
	LD_PRELOAD="$$($(SANITIZE_CC) -print-file-name=libasan.so) $$($(SANITIZE_CC) -print-file-name=libubsan.so)" \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(BIN)/python -m pytest -p no:cacheprovider -q $(SANITIZE_SUITES) \
		--deselect tests/test_native.py::test_check_runs_every_engine_on_the_pure_build $(ARGS)

## test-fast: lint, type-check, then the unit tier only: the inner loop (tests/README.md)
test-fast: lint
	$(BIN)/python -m pytest -m "not slow and not engine" $(PYTEST_ARGS)

lint: $(VENV)/.installed-test $(NATIVE)
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)
	$(BIN)/mypy --strict -p arenacheck
	$(BIN)/lint-imports

format: $(VENV)/.installed-test
	$(BIN)/ruff format $(SOURCES)
	$(BIN)/ruff check --fix $(SOURCES)

clean:
	rm -rf $(VENV) build arenacheck-failures .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache

## bench-harness: the harness's in-process speed beside another checkout (AGAINST=DIR; docs/design.md)
bench-harness: $(VENV)/.installed $(NATIVE)
	$(BIN)/python bench/harness.py --against $(AGAINST) $(ARGS)

## bench-protocol: checked operations per second through --impl-cmd (docs/external.md)
bench-protocol: $(VENV)/.installed
	$(BIN)/python bench/protocol.py

## bench-ledger: what keeping the ledger costs the engines (docs/ledger.md)
bench-ledger: $(VENV)/.installed
	$(BIN)/python bench/ledger.py

## ledger-chart: a default check's ledger as a chart (docs/ledger.png; needs arenacheck[plot])
ledger-chart: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[plot]'
	$(BIN)/arenacheck check --report build/ledger.json || test $$? -eq 3
	$(BIN)/python bench/ledger_chart.py build/ledger.json docs/ledger.png

## bench-exhaust: programs and seconds by depth, in process and through the C adapter (docs/exhaustive.md; ~30 min)
bench-exhaust: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[plot]'
	$(BIN)/python bench/exhaust.py --chart docs/exhaustive.png

## bench-columns: typed array columns against lists for the alist arena (docs/design.md)
bench-columns: $(VENV)/.installed
	$(BIN)/python bench/columns.py

## seeds: regenerate arenacheck/seeds/ from the regression corpus, stateful examples and traces
seeds: $(VENV)/.installed-test
	$(BIN)/python fuzz/make_seeds.py

## mutation: mutation testing of impl/ with Cosmic Ray, ~30 min on 2 cores (docs/mutation.md; ARGS="--resume")
mutation: $(VENV)/.installed-test
	$(BIN)/python mutation/run.py $(ARGS)
