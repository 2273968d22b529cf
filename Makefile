# handle-docs: two commands on a fresh machine.
#   make demo   set up .venv and render the bundled sample operation into out/
#   make test   set up .venv and run the whole test suite
# Then: make serve (the workspace in a browser, on the demo content).
# Longer runs: make soak (fault injection), make bench (speed and memory).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Demo and tests are reproducible: the same inputs give the same bytes.
export SOURCE_DATE_EPOCH ?= 1794693600

.PHONY: demo test test-checks lint-code serve docs soak bench system-deps word-deps browser-deps text-deps deploy-deps node-deps venv clean

# What WeasyPrint needs from Debian. libharfbuzz-subset0 matters for speed:
# without it WeasyPrint subsets fonts with fontTools, ~3x slower per document.
WEASYPRINT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1

# liblouis and its tables: braille letters (handle_docs/braille/ loads
# liblouis.so.20 itself; liblouis-bin brings the library and its tools).
LOUIS_DEBS := liblouis-bin liblouis-data

system-deps:
	@bash scripts/system-deps.sh $(WEASYPRINT_DEBS) $(LOUIS_DEBS)

# LibreOffice lets the tests open rendered Word files; without it (not root,
# no apt) those tests are skipped with a reason.
word-deps:
	@command -v soffice >/dev/null 2>&1 || bash scripts/system-deps.sh libreoffice-writer-nogui \
	  || echo "LibreOffice not installed: the test that opens a Word letter will be skipped" >&2

# Debian's Chromium and its driver (same version) for the workspace's browser
# tests; without them (not root, no apt) those tests are skipped with a reason.
BROWSER_DEBS := chromium chromium-driver

browser-deps:
	@bash scripts/system-deps.sh $(BROWSER_DEBS) \
	  || echo "Chromium not installed: the workspace's browser tests will be skipped" >&2

# Poppler's pdftotext reads the text layer back in the tests (a reader that
# honours /ActualText; MuPDF is read through PyMuPDF, from the test extra:
# Debian 12's mutool 1.21 ignores /ActualText, docs/languages.md).
TEXT_DEBS := poppler-utils

text-deps:
	@bash scripts/system-deps.sh $(TEXT_DEBS) \
	  || echo "pdftotext not installed: the text-layer tests will fail and say so" >&2

# Debian's nginx for the test that puts the workspace behind deploy/nginx/handle-docs.conf with TLS;
# without it (not root, no apt) that test is skipped with a reason. systemd is not installed here (it is
# the init system, not a tool): the unit's check runs systemd-analyze where the machine has it.
DEPLOY_DEBS := nginx-light

deploy-deps:
	@bash scripts/system-deps.sh $(DEPLOY_DEBS) \
	  || echo "nginx not installed: the test behind nginx with TLS will be skipped" >&2

# Debian's Node.js and npm, for the single sign-on tests' OpenID provider (panva's oidc-provider, pinned by
# tests/oidc/package-lock.json and installed from it with npm ci by the tests); without them (not root, no apt)
# those tests are skipped with a reason.
NODE_DEBS := nodejs npm

node-deps:
	@{ command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; } || bash scripts/system-deps.sh $(NODE_DEBS) \
	  || echo "Node.js not installed: the single sign-on tests with a real OpenID provider will be skipped" >&2

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

demo: system-deps $(STAMP)
	@mkdir -p out && chmod 700 out
	$(BIN)/handle-docs letters examples/patrol-records.csv --out out/letters --with-leaflet lock-it-leaflet --docx
	$(BIN)/handle-docs leaflets --out out/leaflets
	$(BIN)/handle-docs leaflets --out out/leaflets --format a5-booklet
	$(BIN)/handle-docs impact examples/patrol-records.csv --crimes examples/police-uk-sample-invented --out out/impact
	$(BIN)/handle-docs hotspots --crimes examples/police-uk-sample-invented --out out/hotspots
	$(BIN)/handle-docs report out/letters --out out/report --crimes examples/police-uk-sample-invented
	$(BIN)/handle-docs card out/letters --out out/card
	$(BIN)/handle-docs contingency --out out/contingency
	$(BIN)/handle-docs check --failures-only out
	@echo "demo written to out/ and checked: start with out/letters/batch.pdf and out/report/operation-summary.pdf (braille letters: out/letters/braille/)"

# The suite and, at the same time (in the core the suite's browser and server tests leave idle while they
# wait: about a quarter of two cores), the code's checks, lint over the bundled wording, the docs site and the
# demo, which checks everything it made (the print shop's booklets are checked as print files). Their output
# goes to test-checks.log, shown after the suite (its end when they pass, all of it when they fail); either
# failing fails make test.
test: system-deps word-deps browser-deps text-deps deploy-deps node-deps $(STAMP)
	@$(MAKE) --no-print-directory test-checks > test-checks.log 2>&1 & checks=$$!; \
	$(BIN)/python -m pytest -q -m "not soak" -n auto --dist loadfile --durations=15; suite=$$?; \
	wait $$checks; status=$$?; \
	if [ $$status -eq 0 ]; then tail -n 4 test-checks.log; else cat test-checks.log; \
	  echo "make test: the code's checks, the docs site or the demo failed (test-checks.log, above)" >&2; fi; \
	exit $$(( suite != 0 || status != 0 ))

test-checks: $(STAMP)
	$(MAKE) --no-print-directory lint-code
	$(BIN)/handle-docs lint --strict
	$(BIN)/lint-imports
	$(MAKE) --no-print-directory docs
	$(MAKE) --no-print-directory demo

# The code's own checks (configured in pyproject.toml): ruff's lint rules, the formatter's layout (checked,
# never rewritten here: run $(BIN)/ruff format to lay the code out) and mypy over the library.
lint-code: $(STAMP)
	$(BIN)/ruff check handle_docs tests benchmarks scripts examples setup.py
	$(BIN)/ruff format --check handle_docs tests benchmarks scripts examples setup.py
	$(BIN)/mypy

# The workspace on the demo force: open the address it prints.
# Another port: make serve PORT=8080 (PORT=0: any free one).
# It serves demo-force/ (ignored by git), made on first use by handle-docs init
# from the sample: its own git repository, so trying the workspace never
# commits into this project's history. Start afresh: rm -rf demo-force.
PORT ?= 8000
DEMO_FORCE := demo-force

serve: system-deps $(STAMP)
	@test -d $(DEMO_FORCE) || $(BIN)/handle-docs init --sample-approvals $(DEMO_FORCE)
	$(BIN)/handle-docs serve --content $(DEMO_FORCE)/content --instance instance --key examples/demo-keys/demo-workspace --demo-accounts --port $(PORT)

# The documentation site from docs/ (MkDocs, Material theme; no web fonts, works offline). --strict: a
# broken link, a missing anchor or a page left out of the navigation fails the build.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	@echo "documentation written to site/: open site/index.html"

soak: system-deps word-deps $(STAMP)
	$(BIN)/python -m pytest -q -m soak

bench: system-deps $(STAMP)
	$(BIN)/python benchmarks/letters.py
	$(BIN)/python benchmarks/preview.py
	$(BIN)/python benchmarks/cli_start.py
	$(BIN)/python benchmarks/history.py
	test -f out/letters/batch.pdf || $(MAKE) --no-print-directory demo
	$(BIN)/python benchmarks/check_qr.py

clean:
	rm -rf out site .pytest_cache .ruff_cache .mypy_cache build *.egg-info
