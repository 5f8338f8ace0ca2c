# Demystifying Neural Networks: set-up, data, tests and slides.
# `make help` lists the targets.  Each target builds what it needs first, so
# `make test` on a fresh clone creates the environment and fetches the data.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

# On Linux, PyPI's torch is the multi-GB CUDA build; PyTorch's CPU index has a
# small CPU-only wheel that is all this course needs.  Override with
# `make install TORCH_INDEX=` to use PyPI only (CI does, from a local wheel).
ifeq ($(shell uname -s),Linux)
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
endif
PIP_EXTRA := $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX),)

.DEFAULT_GOAL := help
.PHONY: help install lab data test exercises notebooks setup-check slides bench clean

help: ## list the targets
	@echo "Demystifying Neural Networks -- make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install: $(STAMP) ## create .venv with the pinned packages and the course package (once)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10) and "The course needs Python 3.10+; this is " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install $(PIP_EXTRA) -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --user --name demystify-nn --display-name "Python (Demystifying NNs)"
	@touch $@

data: $(STAMP) ## fetch the HTRU2 data (from UCI, or from HTRU2_URL) and verify it
	$(PY) -m demystify.data

setup-check: $(STAMP) ## print what is installed and working, and what to fix
	$(PY) -m demystify.setup_check

lab: data ## set up everything, then open the course in JupyterLab
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/00-setup-check.ipynb

test: data ## run every test and every notebook (the command CI runs)
	$(PY) -m pytest

exercises: $(STAMP) ## regenerate the exercise notebooks from solutions/
	$(PY) -m demystify.exercises

notebooks: data ## re-run every lesson and solution notebook in place, then regenerate exercises
	$(PY) -m demystify.notebooks --all
	$(PY) -m demystify.exercises

slides: $(STAMP) ## build offline reveal.js decks of every lesson and solution in slides/ (npm once)
	$(PY) -m demystify.slides

bench: data ## time scratchgrad against hand-written numpy, autograd and PyTorch (about 15 s)
	$(PY) -m demystify.bench

clean: ## remove the environment, the cached data and built slides
	rm -rf $(VENV) data/HTRU_2.csv slides/*.html slides/assets slides/node_modules
