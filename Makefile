# Every target creates and uses the project's own virtual environment.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SQL_ROOTS := sql migrations tests/app tests/sql tests/migration_sql examples stress

.PHONY: run test lint sqllint docs bench stress clean venv generate

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint,dba,bench,docs,example]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sqlstore demo

# The suite on TEST_WORKERS processes (pytest-xdist; each has its own databases),
# then the tests marked `alone` (they measure an event loop's lag) in one process:
# exit status 5 there means PYTEST_ARGS selected none of them, not a failure.
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup -m 'not alone' $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m alone $(PYTEST_ARGS) || test $$? -eq 5

lint: $(STAMP) sqllint
	$(BIN)/ruff check sqlstore tests bench stress examples tools
	$(BIN)/ruff format --check sqlstore tests bench stress examples tools
	$(BIN)/mypy
	$(BIN)/python -m tools.unasync --check

# The blocking session and DAOs, written from their async sources in sqlstore/aio/.
generate: $(STAMP)
	$(BIN)/python -m tools.unasync

# Portable files are linted as both dialects; a dialect file as its own.
sqllint: $(STAMP)
	$(BIN)/sqlfluff lint --dialect postgres $$(find $(SQL_ROOTS) -name '*.sql' \
		! -name '*.sqlite.sql' ! -name '*.sqlite.rollback.sql' 2>/dev/null)
	$(BIN)/sqlfluff lint --dialect sqlite $$(find $(SQL_ROOTS) -name '*.sql' \
		! -name '*.postgresql.sql' ! -name '*.postgresql.rollback.sql' 2>/dev/null)

# The site (docs/ and the API reference from the docstrings) into site/; a warning fails it.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# Not part of `make test`: prints ratios against the bare driver, measured in one run.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# Load, faults and hostile input; also run by CI.
stress: $(STAMP)
	$(BIN)/python -m stress $(STRESS_ARGS)

clean:
	rm -rf $(VENV) data build dist site bench-results.json .pytest_cache .mypy_cache .ruff_cache .hypothesis
