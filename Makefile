# Two commands on a fresh machine (Python 3.11+):
#   make demo   - set up .venv and run the headline comparison (status quo vs the 2025 plan)
#   make test   - set up .venv and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test setup lint bench docs baseline clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

setup: $(BIN)/python
	$(BIN)/python -m pip install -e ".[app,test]"

demo: setup
	$(BIN)/python -m sim compare scenarios/status_quo.yaml scenarios/national_plan_2025.yaml --reps 20 --progress

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check sim tests benchmarks scripts

bench: setup
	$(BIN)/python benchmarks/bench_core.py

docs: setup
	$(BIN)/python scripts/gen_docs.py

baseline: setup
	$(BIN)/python scripts/update_baseline.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
