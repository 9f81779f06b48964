# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Both create .venv and install what they need into it; nothing is installed by hand.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

DEMO_RESIDENTS ?= 20000
DEMO_SEED ?= 1
DEMO_DIR ?= data/demo

.PHONY: install install-bench browser axe demo serve test lint typecheck pytest pytest-sqlite pytest-postgres bench bench-small bench-robust bench-national bench-web bench-load clean

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

# The end-to-end test drives Debian's chromium (Playwright with executable_path; no browser download).
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q chromium >/dev/null; }; }

# The accessibility test's rules: axe-core from the npm registry into ./node_modules (package.json pins the
# version, package-lock.json its checksum); tests/web/test_axe.py injects node_modules/axe-core/axe.min.js.
axe: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The web demo: a synthetic region reconciled through the web's own upload and run services, demo
# users (passwords printed once), the modules' demo data (construction objects, a voucher programme
# drawn from the region's children, outreach logs and surveys, three months of fare inspection), the
# server on 127.0.0.1:8000 and the worker beside it.
WEB_ENV := BIRTIZIM_DEBUG=1 BIRTIZIM_DATA_DIR=$(DEMO_DIR)/web DJANGO_SETTINGS_MODULE=birtizim.web.settings
demo: install
	$(BIN)/birtizim synth --region almaty-2019 --residents $(DEMO_RESIDENTS) --seed $(DEMO_SEED) --out $(DEMO_DIR)/region
	$(BIN)/birtizim reconcile --synthetic $(DEMO_DIR)/region --out $(DEMO_DIR)/run
	$(BIN)/birtizim eval --run $(DEMO_DIR)/run --truth $(DEMO_DIR)/region/truth
	$(WEB_ENV) $(BIN)/python manage.py migrate -v0
	$(WEB_ENV) $(BIN)/python manage.py birtizim_demo $(DEMO_DIR)/region
	$(WEB_ENV) $(BIN)/python manage.py birtizim_projects_demo --officers
	$(WEB_ENV) $(BIN)/python manage.py birtizim_vouchers_demo
	$(WEB_ENV) $(BIN)/python manage.py birtizim_outreach_demo
	$(WEB_ENV) $(BIN)/python manage.py birtizim_fares_demo
	$(WEB_ENV) $(BIN)/python manage.py birtizim_worker & \
	  trap 'kill $$!' EXIT INT TERM; \
	  $(WEB_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000 --noreload

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install-bench
	$(BIN)/mypy src/birtizim bench

# The whole suite twice: on SQLite (the laptop default) and on PostgreSQL (production's database), a
# throwaway server that deploy/postgres.sh starts on a unix socket in a temporary folder and removes.
pytest: pytest-sqlite pytest-postgres

pytest-sqlite: install browser axe
	$(BIN)/pytest

pytest-postgres: install browser axe
	deploy/postgres.sh run -- $(BIN)/pytest

test: lint typecheck pytest

# The production stack on this machine (docs/web.md, "Production"): PostgreSQL (DATABASE_URL, or a
# local server kept in $(SERVE_DIR)/pg), migrations, collectstatic, the worker, and gunicorn with
# deploy/gunicorn.conf.py on 127.0.0.1:8000 -- production settings, DEBUG off.
SERVE_DIR ?= data/serve
serve: install
	SERVE_DIR=$(SERVE_DIR) deploy/serve.sh

# Every contender on the same synthetic regions -> docs/benchmarks.md (about 30 minutes; regions
# are cached in bench/.data). bench-small is the CI gate: it fails if Birtizim's link F1 < 0.99.
BENCH_SCALES ?= 20000,200000,2059200
bench: install-bench
	$(BIN)/python -m bench --scales $(BENCH_SCALES) --repeats 3 --out docs/benchmarks.md

bench-small: install-bench
	$(BIN)/python -m bench --scales 20000 --repeats 3 --min-f1 0.99 --out bench/.data/benchmarks-small.md

# The whole country (about 20 million residents, the kazakhstan-2025 region of every district), not in CI:
# Birtizim, Splink alone and the floor on the same synthetic country, each with DuckDB's memory capped
# (spilling to disk past it), rows added to docs/benchmarks.md beside the region's. Needs ~16 GiB free
# and ~15 GB of disk under bench/.data; NATIONAL_RESIDENTS=200000 tries it small; a contender still
# running after NATIONAL_TIMEOUT seconds is stopped and its row says so.
NATIONAL_RESIDENTS ?= 20000000
NATIONAL_MEMORY ?= 12GB
NATIONAL_OUT ?= docs/benchmarks.md
NATIONAL_TIMEOUT ?= 3600
bench-national: install-bench
	$(BIN)/python -m bench --region kazakhstan-2025 --scales $(NATIONAL_RESIDENTS) --repeats 1 \
	  --only birtizim,splink_alone,floor --memory-limit $(NATIONAL_MEMORY) --timeout $(NATIONAL_TIMEOUT) \
	  --merge --out $(NATIONAL_OUT)

# Linking on lists the engine was not tuned to (docs/benchmarks-robust.md, about 10 minutes): adversarial
# regions (birtizim synth --damage harsh) beside standard ones, and FEBRL 1-3 as a registry and an agency
# list for Birtizim, Splink alone and recordlinkage. Fails if a target (F1, precision) is missed.
ROBUST_SCALES ?= 20000,200000
bench-robust: install-bench
	$(BIN)/python -m bench.robust --scales $(ROBUST_SCALES) --out docs/benchmarks-robust.md

# Dashboard and work-list response times with the 2,059,200-resident region loaded (docs/web.md);
# the region is synthesised into bench/.data once.
WEB_REGION := bench/.data/almaty-2059200-s1
bench-web: install
	test -f $(WEB_REGION)/manifest.json || $(BIN)/birtizim synth --residents 2059200 --seed 1 --out $(WEB_REGION)
	rm -rf bench/.data/web
	$(BIN)/python -m bench.web_pages --region $(WEB_REGION) --requests 100 --out bench/.data/web-pages.json

# The same pages under load: gunicorn (4 sync workers, production settings) on a throwaway PostgreSQL
# that commits durably (fsync on),
# 50 simulated users (25 on the dashboard, 25 on work lists) for 60 s. LOAD_RESIDENTS=20000 for a
# quick look; the figures in docs/web.md are at 2,059,200 on a quiet machine.
LOAD_RESIDENTS ?= 2059200
LOAD_REGION := bench/.data/almaty-$(LOAD_RESIDENTS)-s1
bench-load: install
	test -f $(LOAD_REGION)/manifest.json || $(BIN)/birtizim synth --residents $(LOAD_RESIDENTS) --seed 1 --out $(LOAD_REGION)
	deploy/postgres.sh run --durable -- $(BIN)/python -m bench.web_pages --region $(LOAD_REGION) --load --users 50 \
	  --seconds 60 --out bench/.data/web-load-$(LOAD_RESIDENTS).json

clean:
	rm -rf $(VENV) data bench/.data test-artifacts .pytest_cache .mypy_cache .ruff_cache
