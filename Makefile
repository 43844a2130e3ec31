# Every target sets up what it needs: a newcomer runs `make demo` and `make test` on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint fuzz bench notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -qq -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m nn.demo

lint: $(STAMP)
	$(BIN)/ruff check autograd nn tests benchmarks
	$(BIN)/ruff format --check autograd nn tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests -m "not notebooks" -q

bench: $(STAMP)
	$(BIN)/python -m pip install -qq -e '.[bench]'
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_nn.py

notebooks: $(STAMP)
	$(BIN)/python -m pip install -qq -e '.[notebooks]'
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache .hypothesis
