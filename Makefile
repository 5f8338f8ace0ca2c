# Demystifying Neural Networks: `make <command>` runs `python3 course.py <command>`, the script
# that Windows, where there is no make, runs directly; `make help` lists the commands.
# Variables pass through: `make install TORCH_INDEX=` (PyPI only), `HTRU2_URL=... make data`.

PYTHON ?= python3
COMMANDS := help install lab data setup-check lint check test exercises notebooks present slides bench \
            binder clean

.DEFAULT_GOAL := help
.PHONY: $(COMMANDS)

$(COMMANDS):
	@$(PYTHON) course.py $@
