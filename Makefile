# handle-docs: two commands on a fresh machine.
#   make demo   set up .venv and render the bundled sample operation into out/
#   make test   set up .venv and run the whole test suite
# Longer runs: make soak (fault injection), make bench (speed and memory).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Demo and tests are reproducible: the same inputs give the same bytes.
export SOURCE_DATE_EPOCH ?= 1794693600

.PHONY: demo test soak bench system-deps venv clean

system-deps:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

demo: system-deps $(STAMP)
	@mkdir -p out && chmod 700 out
	$(BIN)/handle-docs letters examples/patrol-records.csv --out out/letters
	@echo "demo written to out/: open out/letters/batch.pdf"

test: system-deps $(STAMP)
	$(BIN)/python -m pytest -q -m "not soak"

soak: system-deps $(STAMP)
	$(BIN)/python -m pytest -q -m soak

bench: system-deps $(STAMP)
	$(BIN)/python benchmarks/letters.py

clean:
	rm -rf out .pytest_cache build *.egg-info
