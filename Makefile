# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Both create .venv and install what they need into it; nothing is installed by hand.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

DEMO_RESIDENTS ?= 20000
DEMO_SEED ?= 1
DEMO_DIR ?= data/demo

.PHONY: install demo test lint typecheck pytest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/birtizim synth --region almaty-2019 --residents $(DEMO_RESIDENTS) --seed $(DEMO_SEED) --out $(DEMO_DIR)/region
	$(BIN)/birtizim reconcile --synthetic $(DEMO_DIR)/region --out $(DEMO_DIR)/run
	$(BIN)/birtizim eval --run $(DEMO_DIR)/run --truth $(DEMO_DIR)/region/truth

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: install
	$(BIN)/mypy src/birtizim

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
