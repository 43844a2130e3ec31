# Every target sets up what it needs: a newcomer runs `make demo` and `make test` on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint fuzz mutate bench notebooks run-notebooks fixtures clean

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

# Mutation testing (not in CI: it takes long). mutmut mutates the files listed under [tool.mutmut] in
# pyproject.toml, runs the tests that cover each mutant with PyTorch hidden, and lists the survivors;
# the equivalent ones (which no test can tell apart) are in tests/equivalent-mutants.txt.
mutate: $(VENV)/.installed-test
	$(BIN)/python -m pip install -qq 'mutmut>=3.3,<4'
	PYTHONPATH=$(CURDIR)/tests/without_torch HYPOTHESIS_PROFILE=mutate $(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

bench: $(VENV)/.installed-bench $(VENV)/.installed-demo
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_nn.py
	$(BIN)/python benchmarks/bench_compile.py

# PyTorch's and micrograd's answers that the tests compare with, recorded again into tests/fixtures/
# (after changing a case in tests/oracles.py). PyTorch is pinned: a bare `torch` may fetch the
# multi-gigabyte CUDA build.
fixtures: $(VENV)/.installed-test $(VENV)/.installed-bench
	$(BIN)/python -m pip install -qq torch==2.13.0
	$(BIN)/python tests/fixtures/record.py

notebooks: $(VENV)/.installed-notebooks
	$(BIN)/jupyter lab notebooks

# Re-execute every notebook in a fresh kernel and save it with its outputs, as `make test` compares them.
run-notebooks: $(VENV)/.installed-test
	$(BIN)/python tests/test_notebooks.py

clean:
	rm -rf $(VENV) mutants demo-output .pytest_cache .mypy_cache .ruff_cache .hypothesis
