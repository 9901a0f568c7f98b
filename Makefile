# Two entry points do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench chromium nginx

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-geo.txt requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

chromium:
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

## Serve the dashboard on http://localhost:$(PORT)
run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

## Validate the data, lint, and run every test (unit, app, geocoding, end-to-end in Chromium)
test: $(VENV)/.dev chromium nginx
	$(PY) -m stations validate
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## Benchmarks (prints figures; `make bench ARGS=--write` updates bench/RESULTS.md)
bench: $(VENV)/.dev chromium
	$(PY) -m bench $(ARGS)
