# The two set-up commands: `make demo` (dashboard on demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench bench-wall plotly-bundle mutate mutate-py mutate-sql clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/kpi demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# The benchmark suite (tools/bench.py, docs/PERFORMANCE.md): one table; SCALE picks the large demo (200 ≈ 5 M cases).
SCALE ?= 40
bench: $(STAMP)
	$(BIN)/python tools/bench.py --scale $(SCALE)

# The wall screen's soak: a simulated day (1,440 refreshes at 0.3 s) on data/warehouse.duckdb (docs/WALL.md).
bench-wall: $(STAMP)
	$(BIN)/python tools/wall_soak.py

# The partial plotly.js the browser draws with (dashboard/static/plotly-kpi.min.js, committed): the trace types of
# tools/plotly_bundle/entry.js, from the npm registry. Rebuild after adding a trace type or upgrading plotly.
plotly-bundle:
	cd tools/plotly_bundle && npm install --ignore-scripts --no-audit --no-fund && npm run build

# Mutation testing, not part of `make test` (docs/TESTING.md). Time-boxed for a shared machine: the Python rule
# functions below (override MUTANTS= for more, e.g. MUTANTS='etl.*'), and a sample of the mart SQL mutants.
MUTANTS ?= "warehouse.rules.*" "etl.load.x__merge*" "etl.load.x__load_chunk*" "warehouse.store.x_alias_key*"
SQL_MUTATE_ARGS ?= --sample 25 --budget 1200
SQL_MARTS ?= $(notdir $(wildcard warehouse/marts/*.sql))
mutate: mutate-py mutate-sql

mutate-py: $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,mutation]"
	$(BIN)/mutmut run --max-children 1 $(MUTANTS)
	$(BIN)/mutmut results

mutate-sql: $(STAMP)  # one mart file at a time, each with its own tests and budget
	for f in $(SQL_MARTS); do $(BIN)/python -m tests.mutation.sql_mutate --files $$f $(SQL_MUTATE_ARGS) || exit 1; done

clean:
	rm -rf data bench artifacts .pytest_cache mutants
