# Every target creates or refreshes .venv itself: on a fresh machine with only python3,
# `make demo` and `make test` are each one command.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
REPORTS ?= ../shared/reports

.PHONY: venv demo test lab data bench lint clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/evalkit build data --out build

# A missing glyph in a chart is an error, in the tests and in the notebook kernels alike.
test: $(STAMP)
	PYTHONWARNINGS=error:Glyph:UserWarning $(BIN)/python -m pytest -q

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,lab]'
	$(BIN)/jupyter lab notebooks

data: $(STAMP)
	$(BIN)/evalkit extract $(REPORTS) --out data --manifest data/manifest.csv --full

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests

clean:
	rm -rf $(VENV) build
