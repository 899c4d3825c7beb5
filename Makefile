# Everyday tasks. `make help` lists them; `make test` is what CI runs first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/clearinghouse
# Extra pytest arguments, e.g. `make test PYTEST_ARGS='-k serve -x'`.
PYTEST_ARGS ?=
# pytest-xdist processes (one a core by default; 0 runs in one process, e.g. for --pdb).
# Each test file stays in one process, with its module fixtures (--dist loadfile).
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

.DEFAULT_GOAL := help
.PHONY: help venv tools browser test test-postgres fuzz demo lint format migrations-check clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-17s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# The stamp is newer than pyproject.toml once the install succeeded, so the venv is only
# rebuilt when the dependencies change.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed ## create .venv and install the project with its dev tools

tools: ## install Debian's chromium and poppler-utils for the tests, if missing (needs root)
	scripts/ensure-test-tools

browser: tools ## the same as tools

test: venv tools ## run the tests on SQLite (each run in a fresh temporary data directory)
	env -u DATABASE_URL $(PYTEST) $(PYTEST_ARGS)

test-postgres: venv tools ## run the tests on PostgreSQL (POSTGRES_URL; pytest-django creates test_<name>)
	DATABASE_URL=$(POSTGRES_URL) $(PYTEST) $(PYTEST_ARGS)

fuzz: venv ## long fuzzing runs: the hypothesis and schemathesis tests with 5,000 examples, atheris for 10 minutes
	env -u DATABASE_URL FUZZ_EXAMPLES=5000 $(BIN)/pytest -k fuzz $(PYTEST_ARGS)
	mkdir -p .fuzz/corpus && cp -n fuzz/corpus/report/* .fuzz/corpus/
	cd .fuzz && ../$(BIN)/python ../fuzz/xml_intake.py -max_total_time=600 corpus

demo: venv ## start the demo: Arkansas 2023 records, served at http://127.0.0.1:8000/
	$(BIN)/clearinghouse demo

lint: venv ## ruff: lint and formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv ## ruff: fix what can be fixed and reformat
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: venv ## fail when a model change has no migration
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	env -u DATABASE_URL CLEARINGHOUSE_DATA_DIR="$$tmp" \
		$(BIN)/clearinghouse makemigrations --check --dry-run

clean: ## remove the virtualenv, caches and build output
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist src/*.egg-info
	find src tests -name __pycache__ -type d -prune -exec rm -rf {} +
