# Gongkai: `make site` builds everything from reports/; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
JOBS   ?=
STAMP  := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
export PYTHONHASHSEED := 0

.PHONY: site test test-ocr bench-ocr test-browser serve packages extract clean vendor bench fuzz validate-frictionless datasette release

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The chart library is installed from the npm registry (exact version in package-lock.json) and built into
# the site with its licence: pages never load it from a CDN, so they work offline.  The build holds only
# the chart types and components the site draws (scripts/echarts-custom.js, bundled by the pinned esbuild):
# 563 KB instead of the full 1,122 KB dist file.  Same inputs, same bytes.
ECHARTS_SRC := scripts/echarts-custom.js
VENDOR   := docs/assets/vendor
ECHARTS  := $(VENDOR)/echarts.min.js
NPMSTAMP := node_modules/.gongkai-installed

$(NPMSTAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NPMSTAMP)

# PDF.js draws a PDF report's page in the evidence view (docs/assets/evidence.js) with the cell's box on it:
# the library and its worker are copied from the pinned npm package, loaded only when a PDF cell is opened.
# The chart library's target depends on it so that the usual setup (`make docs/assets/vendor/echarts.min.js`)
# vendors both.
PDFJS := $(VENDOR)/pdf.min.mjs

$(PDFJS): $(NPMSTAMP)
	mkdir -p $(VENDOR)
	cp node_modules/pdfjs-dist/build/pdf.min.mjs node_modules/pdfjs-dist/build/pdf.worker.min.mjs $(VENDOR)/
	cp node_modules/pdfjs-dist/LICENSE $(VENDOR)/pdfjs.LICENSE.txt

$(ECHARTS): $(NPMSTAMP) $(ECHARTS_SRC) $(PDFJS)
	mkdir -p $(VENDOR)
	cp node_modules/echarts/LICENSE $(VENDOR)/echarts.LICENSE.txt
	cp node_modules/echarts/NOTICE $(VENDOR)/echarts.NOTICE.txt
	cp node_modules/echarts/licenses/LICENSE-d3 $(VENDOR)/echarts.LICENSE-d3.txt
	cp node_modules/zrender/LICENSE $(VENDOR)/zrender.LICENSE.txt
	node_modules/.bin/esbuild scripts/echarts-custom.js --bundle --minify --format=iife --target=es2017 \
	  --legal-comments=none --log-level=warning --outfile=$(ECHARTS)

vendor: $(ECHARTS) $(PDFJS)

# Extract every report, write and validate the data packages, generate the pages, build site/.
# JOBS=1 extracts in one process; the default uses every core.  Unchanged reports come from build/cache/.
site: $(STAMP) $(ECHARTS)
	JOBS=$(JOBS) $(PY) -m gongkai site
	@echo "site/ built: open site/index.html or run 'make serve'"

packages: $(STAMP)
	$(PY) -m gongkai build

# The build validates packages with the fast validator (gongkai/package/validate.py); this runs the reference,
# Frictionless, over every package in datapackages/ (slow: tens of ms a package).  Not part of the build.
validate-frictionless: $(STAMP)
	$(PY) -m gongkai.package.validate --frictionless datapackages

# Synthetic corpora of 100 … 10,000 reports against default Material; writes build/bench/ and BENCHMARKS.md.
# BENCH_SIZES=100,1000 for a shorter run.  Not part of `make test`.
BENCH_SIZES ?= 100,1000,5000,10000
bench: $(STAMP) $(ECHARTS)
	$(PY) scripts/bench.py --sizes $(BENCH_SIZES)

# Two workers, each taking whole test files (--dist loadfile: a file's module fixtures, such as a build, are made
# once); the session's sample site is built once per worker.  TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
test: $(STAMP) $(ECHARTS)
	$(PY) -m pytest -q $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

# Every derived scan (tests/fixtures/scans) with the chosen engine (and tesseract when installed): the
# accuracy targets of issue 16.  `make test` runs one of them.  About 1 minute of CPU per scan.
test-ocr: $(STAMP)
	GONGKAI_OCR_FULL=1 $(PY) -m pytest -q tests/readers/test_ocr.py

# Both engines on every derived scan: accuracy, seconds per page, peak memory (the BENCHMARKS.md table).
bench-ocr: $(STAMP)
	PYTHONPATH=. $(PY) scripts/bench_ocr.py

# Only the browser tests (also part of `make test`): the built site in headless Chromium.
# Screenshots land in build/screenshots/.
test-browser: $(STAMP) $(ECHARTS)
	$(PY) -m pytest -q tests/browser

# The built site as visitors get it, search index included (`mkdocs serve` would build pages without
# Pagefind's index, so its search page would find nothing).  PORT=8000 by default.
PORT ?= 8000
serve: site
	$(PY) -m http.server --bind 127.0.0.1 --directory site $(PORT)

# A versioned data release: builds with a date-based version (YYYY.MM.DD; RELEASE=YYYY.MM.DD to choose), keeps the
# whole-corpus downloads with a sha256 manifest and change notes against the previous release in
# releases/<version>/, and rebuilds the site with its 更新记录 page.
release: $(STAMP) $(ECHARTS)
	JOBS=$(JOBS) $(PY) -m gongkai release $(if $(RELEASE),--version $(RELEASE))

# The published SQLite database (docs/downloads/all/gongkai-all.sqlite) in Datasette on 127.0.0.1, with
# table and column descriptions generated from the registry and full-text search over sections and agencies.
DATASETTE_PORT ?= 8001
datasette: packages
	$(PY) -m gongkai datasette --port $(DATASETTE_PORT)

# make extract FILE=reports/x.pdf OUT=/tmp/x
extract: $(STAMP)
	$(PY) -m gongkai extract $(FILE) --out $(OUT)

clean:
	rm -rf site build docs/reports docs/agencies docs/downloads docs/api docs/years docs/regions docs/charts \
	  docs/assets/vendor \
	  docs/index.md docs/agencies.md \
	  docs/quality.md docs/quality.csv docs/dictionary.md docs/downloads.md \
	  docs/years.md docs/regions.md docs/compare.md docs/en.md docs/changelog.md
	find datapackages -mindepth 1 ! -name README.md -delete

# Coverage-guided fuzzing of the text and HTML readers (atheris); not part of `make test`.
# New interesting inputs go to build/fuzz/corpus, crashing ones to build/fuzz/crashes/.
FUZZ_SECONDS ?= 600
fuzz: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-fuzz.txt
	mkdir -p build/fuzz/corpus build/fuzz/crashes
	cp reports/*.txt reports/*.html build/fuzz/corpus/
	cd build/fuzz && ../../$(PY) ../../tests/fuzz/fuzz_readers.py -max_total_time=$(FUZZ_SECONDS) \
	  -timeout=30 -rss_limit_mb=2048 -artifact_prefix=crashes/ corpus
