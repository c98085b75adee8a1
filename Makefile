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

# Kernels are freed when the page closes: Voila's page asks the server to shut its kernel
# down on `beforeunload` (POST /voila/api/shutdown/<kernel>), and ipykernel ends its child
# processes on shutdown. For the pages that never say goodbye (browser crash, lost network,
# laptop asleep) jupyter_server's culler (MappingKernelManager, voila 0.5 / jupyter_server 2;
# these options are not in `voila --help-all` but reach Voila's kernel manager) shuts down
# any kernel with no page connected (cull_connected stays False, the default) after 300 s
# without activity, checking every 60 s; cull_busy=True also culls a kernel left busy by a
# run nobody is watching (a run still posting progress counts as activity). The dashboards'
# worker processes end with their kernel however it ends (sim.engines.exit_with_parent).
# Closing or leaving the page shuts its kernel down at once: Voila's page sends a shutdown
# beacon, which Voila 0.5 rejects unless its XSRF check is off (the page never gets the
# _xsrf cookie). What the check guarded here is the POST to shut a kernel down: another
# web page in the same browser could then send it, but only with the kernel's random id.
# Opening the app (a GET, never covered by the check) starts a kernel either way, and the
# server listens on 127.0.0.1 only.
app: setup
	$(BIN)/voila notebooks/app.ipynb --no-browser --port=8866 --Voila.ip=127.0.0.1 \
	  --MappingKernelManager.cull_idle_timeout=300 --MappingKernelManager.cull_interval=60 \
	  --MappingKernelManager.cull_busy=True "--Voila.tornado_settings={'disable_check_xsrf': True}"

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
