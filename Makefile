# Two commands do everything on a fresh machine with Python 3.11+:
#   make run   installs into .venv and starts the daemon on config/monitor.yaml
#   make test  installs into .venv and runs the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CONFIG ?= config/monitor.yaml

.PHONY: install run once test bench clean

$(BIN)/news-monitor: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "news-monitor needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,apprise]'
	@touch $@

install: $(BIN)/news-monitor

run: install
	$(BIN)/news-monitor run --config $(CONFIG)

once: install
	$(BIN)/news-monitor once --config $(CONFIG)

test: install
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/match_bench.py
	$(BIN)/python bench/cluster_bench.py
	$(BIN)/python bench/pipeline_bench.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
