# Both entry points create or reuse .venv, so a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint screenshots bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,server]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ccc-tui --demo

test: $(STAMP)
	$(BIN)/ruff check ccc_tui tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check ccc_tui tests benchmarks scripts
	$(BIN)/mypy

screenshots: $(STAMP)
	$(BIN)/python scripts/make_screenshots.py

# Run by hand on a quiet machine; the numbers go in notes, not in tests. Every benchmark runs in
# its own process and one table of budgets ends it; `make bench BENCH_FLAGS=--quick` for a look.
BENCH_FLAGS ?=
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_all.py $(BENCH_FLAGS)

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
