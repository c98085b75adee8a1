# Two commands on a fresh machine (Python 3.11+):
#   make demo   - set up .venv and run the headline comparison (status quo vs the 2025 plan)
#   make test   - set up .venv and run the whole test suite (with the notebooks and the browser test)
#   make app    - set up .venv and serve the comparison dashboard (Voila) on http://127.0.0.1:8866
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test test-latest app lab setup lint bench docs baseline notebooks validation lever-effects uncertainty calibrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

setup: $(BIN)/python
	$(BIN)/python -m pip install -e ".[app,test]"

demo: setup
	$(BIN)/python -m sim compare scenarios/status_quo.yaml scenarios/national_plan_2025.yaml --reps 20 --progress

test: setup
	$(BIN)/python -m pytest

# Mesa's newest release needs Python >= 3.12 (on 3.11 pip resolves Mesa 3.3.x): the tests
# again on a plain install there (the newest Mesa, NumPy and pandas; no app, notebooks or
# browser, so those tests are left out or skip). .ci/run does this when it finds a Python
# >= 3.12. PYTHON_LATEST: that Python.
PYTHON_LATEST ?= python3.12
test-latest:
	$(PYTHON_LATEST) -m venv .venv-latest
	.venv-latest/bin/python -m pip install -q -e . pytest hypothesis
	.venv-latest/bin/python -c "import sys, mesa, numpy, pandas; print('Python', sys.version.split()[0], 'Mesa', mesa.__version__, 'NumPy', numpy.__version__, 'pandas', pandas.__version__)"
	.venv-latest/bin/python -m pytest -q -o addopts="" -p no:cacheprovider tests --ignore=tests/test_voila_e2e.py

# One server for a team (sim/app/serve.py): every page's runs go to one shared pool of worker
# processes (a Dask cluster on 127.0.0.1, one worker per core) instead of two per page,
# results are cached on disk (~/.cache/healthsim-workbench/results) for every page and
# across restarts, and a page that closes frees its kernel at once (one that vanishes,
# within about a minute: Voila's kernel culler). On a cluster:
#   .venv/bin/python -m sim app --scheduler tcp://HOST:8786
app: setup
	$(BIN)/python -m sim app --port 8866

lab: setup
	$(BIN)/jupyter lab notebooks/

notebooks: setup
	$(BIN)/python scripts/build_notebooks.py

lint: setup
	$(BIN)/ruff check sim tests benchmarks scripts notebooks

bench: setup
	$(BIN)/python benchmarks/bench_core.py

docs: setup
	$(BIN)/python scripts/gen_docs.py

baseline: setup
	$(BIN)/python scripts/update_baseline.py

# the model against the published record: docs/validation.md and docs/figures/
validation: setup
	$(BIN)/python -m sim validate-model --out docs

# what each lever moves against the 2025 plan: docs/lever_effects.md
lever-effects: setup
	$(BIN)/python -m sim lever-effects --reps 10 --out docs/lever_effects.md

# which uncertainties matter, for what (Morris screening): docs/uncertainty.md and its figure
uncertainty: setup
	$(BIN)/python -m sim uncertainty-report --out docs/uncertainty.md \
	  --screening sim/data/screening.csv --progress

# refit incident generation to the OCR breach portal (prints the defaults to declare)
calibrate: setup
	$(BIN)/python scripts/calibrate.py

clean:
	rm -rf $(VENV) .venv-latest build *.egg-info .pytest_cache .ruff_cache
