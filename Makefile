# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Both create .venv and install what they need into it; nothing is installed by hand.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

DEMO_RESIDENTS ?= 20000
DEMO_SEED ?= 1
DEMO_DIR ?= data/demo

.PHONY: install install-bench demo test lint typecheck pytest bench bench-small clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The alternatives measured by the benchmarks (recordlinkage, pandas) are not needed to run Birtizim.
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

install-bench: $(BENCH_STAMP)

demo: install
	$(BIN)/birtizim synth --region almaty-2019 --residents $(DEMO_RESIDENTS) --seed $(DEMO_SEED) --out $(DEMO_DIR)/region
	$(BIN)/birtizim reconcile --synthetic $(DEMO_DIR)/region --out $(DEMO_DIR)/run
	$(BIN)/birtizim eval --run $(DEMO_DIR)/run --truth $(DEMO_DIR)/region/truth

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install-bench
	$(BIN)/mypy src/birtizim bench

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest

# Every contender on the same synthetic regions -> docs/benchmarks.md (about 30 minutes; regions
# are cached in bench/.data). bench-small is the CI gate: it fails if Birtizim's link F1 < 0.99.
BENCH_SCALES ?= 20000,200000,2059200
bench: install-bench
	$(BIN)/python -m bench --scales $(BENCH_SCALES) --repeats 3 --out docs/benchmarks.md

bench-small: install-bench
	$(BIN)/python -m bench --scales 20000 --repeats 3 --min-f1 0.99 --out bench/.data/benchmarks-small.md

clean:
	rm -rf $(VENV) data bench/.data .pytest_cache .mypy_cache .ruff_cache
