# Every target sets up what it needs: a newcomer runs `make demo` and `make test` on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint fuzz bench notebooks run-notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip

# $(VENV)/.installed-X: the project installed (editable) with its extra X.
$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -qq -e '.[$*]'
	touch $@

demo: $(VENV)/.installed-demo
	$(BIN)/python -m nn.demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check autograd nn tests benchmarks
	$(BIN)/ruff format --check autograd nn tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests -m "not notebooks" -q

bench: $(VENV)/.installed-bench $(VENV)/.installed-demo
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_nn.py
	$(BIN)/python benchmarks/bench_compile.py

notebooks: $(VENV)/.installed-notebooks
	$(BIN)/jupyter lab notebooks

# Re-execute every notebook in a fresh kernel and save it with its outputs, as `make test` compares them.
run-notebooks: $(VENV)/.installed-test
	$(BIN)/python tests/test_notebooks.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache .hypothesis
