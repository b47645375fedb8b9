# cchc-analysis: every target sets up the pinned virtual environment first.
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
KERNEL := cchc-analysis
# `make lab LAB_ARGS="--no-browser --ip 127.0.0.1 --port 8899"`; as root Jupyter needs --allow-root
LAB_ARGS ?=
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "cchc-analysis (.venv)" >/dev/null
	touch $(STAMP)

setup: $(STAMP) ## create .venv with the pinned dependencies (requirements.lock)

report: $(STAMP) ## run the main job on the bundled default data -> reports/<year>/
	$(VENV)/bin/cchc report

test: $(STAMP) ## run the whole test suite (unit tests, doctests, notebooks)
	$(PY) -m pytest -q

bench: $(STAMP) ## print the speed benchmarks (ratios against baselines in one run)
	$(PY) -m bench

fuzz: $(STAMP) ## fuzz the readers: 3,000 seeded mutated inputs, the outcome table (.bench/fuzz.csv)
	$(PY) -m bench.fuzz 3000 --seed 19

calibrate: $(STAMP) ## simulation study of the few-task bias test (size and power)
	$(PY) -m cchc_analysis.bias.calibration

lab: $(STAMP) ## open JupyterLab on notebooks/ with the project's environment
	@test -d $(VENV)/share/jupyter/kernels/$(KERNEL) || $(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "cchc-analysis (.venv)" >/dev/null
	$(VENV)/bin/jupyter lab $(ALLOW_ROOT) --MultiKernelManager.default_kernel_name=$(KERNEL) $(LAB_ARGS) notebooks/

clean: ## remove the virtual environment and build outputs (never data/raw)
	rm -rf $(VENV) .pytest_cache

.PHONY: help setup report test bench fuzz calibrate lab clean
