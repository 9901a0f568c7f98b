# Two entry points do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: publish run dev test test-fast lint lint-js bench fonts chromium nginx wrk i18n-extract i18n-update i18n-compile

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-geo.txt requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# CJK fonts (Debian's Noto Sans/Serif CJK): the server draws the PNG downloads in Chinese with
# them (stations/view/fonts.py), and screenshots of the Chinese pages show characters, not boxes.
fonts:
	@dpkg-query -W -f='$${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed' || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq fonts-noto-cjk >/dev/null; }

# Chromium, with the CJK fonts for its screenshots.
chromium: fonts
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null 2>&1 && chromium --version

# nginx for the replica tests (tests/deploy): Debian's nginx-light. Installing it may start the
# distribution's own service on port 80, which nothing here uses: stop and disable it again.
NGINX := $(shell command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; })
nginx:
ifeq ($(NGINX),)
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nginx-light >/dev/null
	-@$(SUDO) systemctl disable --now nginx >/dev/null 2>&1 || $(SUDO) service nginx stop >/dev/null 2>&1 || true
endif
	@PATH="$$PATH:/usr/sbin" nginx -v

# wrk for the published map's readers per second (bench/published.py): a native HTTP load
# generator, so the figure is nginx's pace and not a Python client's. Loopback only.
wrk:
	@command -v wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk >/dev/null; }
	@wrk --version 2>&1 | head -1 || true

# Interface languages (stations/locales): the .po files are in git, the .mo files are built here.
LOCALES := stations/locales
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(LOCALES)/*/LC_MESSAGES/messages.po))

$(LOCALES)/%/LC_MESSAGES/messages.mo: $(LOCALES)/%/LC_MESSAGES/messages.po | $(VENV)/.runtime
	$(PY) -m stations.i18n compile

## Compile the catalogs (.po -> .mo); `make run` and `make test` do it first
i18n-compile: $(MO_FILES)

## Rewrite stations/locales/messages.pot from the strings marked in the code
i18n-extract: $(VENV)/.runtime
	$(PY) -m stations.i18n extract

## Extract, merge into zh_Hans (then translate its new entries), derive zh_Hant with OpenCC
i18n-update: i18n-extract
	$(PY) -m stations.i18n update

# The JavaScript linter (eslint, pinned by package-lock.json): node_modules is installed from the
# lock file when it is missing or older than the lock. Node and npm come from the system.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint-js: node_modules/.package-lock.json
	npx --no-install eslint static/js

## Serve the dashboard on http://localhost:$(PORT) as it is deployed (stations/web/serve.py: no
## file watcher; health probes on $(HEALTH_PORT): /livez /readyz /status)
HEALTH_PORT ?= $(shell echo $$(($(PORT) + 100)))
run: $(VENV)/.runtime i18n-compile
	$(PY) -m stations serve --address 127.0.0.1 --port $(PORT) --health-port $(HEALTH_PORT)

## The same, for editing pages: a file watcher reloads them on save
dev: $(VENV)/.runtime i18n-compile
	$(PY) -m stations serve --address 127.0.0.1 --port $(PORT) --health-port $(HEALTH_PORT) --dev

## Write the static published map into $(PUBLISH_DIR) (one folder: serve it from any web server)
PUBLISH_DIR ?= site
publish: $(VENV)/.runtime
	$(PY) -m stations publish --out $(PUBLISH_DIR)

## Validate the data, lint, and run every test (unit, app, geocoding, end-to-end in Chromium)
test: $(VENV)/.dev fonts chromium nginx wrk i18n-compile lint-js
	$(PY) -m stations validate
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest

## The fast lane: no browser, no servers (unit and AppTest tests; about a minute and a half)
test-fast: $(VENV)/.dev fonts i18n-compile
	$(PY) -m pytest -m "not e2e and not slow" --ignore=tests/deploy --ignore=tests/reliability

lint: $(VENV)/.dev lint-js
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

## Benchmarks (prints figures; `make bench ARGS=--write` updates bench/RESULTS.md): the map page
## (bench/runner.py), then the published map against folium's save and the dashboard
## (bench/published.py, through nginx on loopback), then a filter rerun in Chinese against
## English (bench/languages.py) and the published map in Chinese against English
## (bench/published_languages.py)
bench: $(VENV)/.dev chromium nginx wrk
	$(PY) -m bench $(ARGS)
	$(PY) -m bench.published $(filter --write,$(ARGS))
	$(PY) -m bench.languages $(filter --write,$(ARGS))
	$(PY) -m bench.published_languages $(filter --write,$(ARGS))
