# Facegate: `make run` starts everything on http://127.0.0.1:8000, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install browser bench clean-data

run: $(STAMP)
	$(PY) -m config.launcher run

test: $(STAMP) browser
	$(PY) -m config.launcher test $(ARGS)

install: $(STAMP)

# Re-installs only when pyproject.toml changes, so the second run starts in seconds.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# Browser tests drive Debian's Chromium through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not installed and not root: browser tests will be skipped"; fi; }

bench: $(STAMP)
	$(PY) -m config.launcher services >/dev/null
	$(PY) bench/search.py

clean-data:
	rm -rf .facegate
