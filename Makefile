# Hulin reporting and traceability: set-up, run, test.
#   make run        install, migrate, load the demo county, serve on SQLite (PORT=8000)
#   make test       the whole suite on SQLite
#   make test-pg    the whole suite on a fresh PostgreSQL database (127.0.0.1:5432)
#   make fuzz       schemathesis against a real server (demo data), from /api/v1/openapi.json
#   make bench      benchmark scripts (figures for the notes)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PIP_VERSION := 26.3
WEUI_VERSION := 2.6.26

.PHONY: run serve install install-dev system-deps runtime-deps test test-pg migrate seed lint bench \
	fuzz \
	migration vendor-weui clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==$(PIP_VERSION)

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian packages the tests and labels use: a CJK font (labels), Chromium (page tests at
# phone width), poppler-utils (label PDFs in tests), wrk (bench). Installed when missing
# and we may (root with apt); otherwise say what to do. Serving needs only the font.
system-deps:
	@scripts/system-deps.sh

runtime-deps:
	@scripts/system-deps.sh runtime

settings.local.toml: | $(PY)
	$(PY) scripts/local_settings.py

migrate: install settings.local.toml
	$(PY) -m server migrate

seed: migrate
	$(PY) -m server seed-demo

run: seed runtime-deps
	PORT=$(PORT) $(PY) -m server serve --port $(PORT)

serve: install settings.local.toml runtime-deps
	$(PY) -m server serve --port $(PORT)

test: install-dev system-deps
	$(PY) -m pytest

test-pg: install-dev system-deps
	TEST_ENGINE=postgres $(PY) -m pytest

# Every API operation fuzzed from the OpenAPI document, as a supervisor and as staff, on a
# throwaway SQLite demo county; about two minutes (FUZZ_SECONDS per run).
fuzz: install-dev system-deps
	$(PY) scripts/fuzz.py

lint: install-dev
	$(VENV)/bin/ruff check server models qr tests scripts bench

# Every script under bench/ prints its own figures.
bench: install-dev system-deps
	@for script in bench/*.py; do [ -e "$$script" ] || continue; \
		echo "== $$script"; $(PY) $$script || exit 1; done

# A new migration after changing models: make migration NAME=add_something
migration: install-dev
	$(VENV)/bin/tortoise -c server.core.migration_config.TORTOISE_ORM makemigrations --name $(NAME)

# Re-vendor WeUI's CSS from the npm registry (the copy under web/static is committed).
vendor-weui:
	rm -rf /tmp/weui-vendor && mkdir -p /tmp/weui-vendor
	cd /tmp/weui-vendor && npm pack --silent weui@$(WEUI_VERSION) && tar xzf weui-$(WEUI_VERSION).tgz
	cp /tmp/weui-vendor/package/dist/style/weui.min.css web/static/vendor/weui/weui.min.css
	cp /tmp/weui-vendor/package/LICENSE.txt web/static/vendor/weui/LICENSE.txt

clean:
	rm -rf $(VENV) .pytest_cache
