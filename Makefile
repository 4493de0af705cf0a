# Gongkai: `make site` builds everything from reports/; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
export PYTHONHASHSEED := 0

.PHONY: site test test-browser serve packages extract clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# Extract every report, write and validate the data packages, generate the pages, build site/.
site: $(STAMP)
	$(PY) -m gongkai build
	$(VENV)/bin/mkdocs build --strict --clean --quiet
	@echo "site/ built: open site/index.html or run 'make serve'"

packages: $(STAMP)
	$(PY) -m gongkai build

test: $(STAMP)
	$(PY) -m pytest -q

# Only the browser tests (also part of `make test`): the built site in headless Chromium.
# Screenshots land in build/screenshots/.
test-browser: $(STAMP)
	$(PY) -m pytest -q tests/browser

serve: site
	$(VENV)/bin/mkdocs serve --no-livereload

# make extract FILE=reports/x.pdf OUT=/tmp/x
extract: $(STAMP)
	$(PY) -m gongkai extract $(FILE) --out $(OUT)

clean:
	rm -rf site build docs/reports docs/agencies docs/downloads docs/index.md docs/agencies.md \
	  docs/quality.md docs/dictionary.md docs/downloads.md
	find datapackages -mindepth 1 ! -name README.md -delete
