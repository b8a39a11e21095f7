# Facegate: `make run` starts everything on http://127.0.0.1:8000, `make test` runs lint and the whole suite.
# Both go through the devserver package (`python -m devserver run|test|services|stop`), which starts the
# embedded PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL are set) before Django starts.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PIP := $(PY) -m pip -q --disable-pip-version-check

.PHONY: run test lint install lock browser bench services stop clean-data client messages

# `make run STANDBY=1` (or `make services STANDBY=1`) adds a synchronous hot standby that serves the searches.
run: $(STAMP)
	$(PY) -m devserver run $(if $(STANDBY),--standby)

test: $(STAMP) browser lint
	$(PY) -m devserver test $(ARGS)

# Lint only reads: `ruff check --fix` / `ruff format` are for the developer to run.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

install: $(STAMP)

# Installs the pinned versions (with hashes) from requirements.lock, then the project itself without
# resolving again; re-runs only when the lock or pyproject.toml changes, so the second run starts in seconds.
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps -e .
	touch $(STAMP)

# Regenerates requirements.lock from pyproject.toml (main dependencies + the test extra). Versions already in
# the lock are kept; `make lock UPGRADE=1` moves everything to the newest allowed releases.
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(PIP) install uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --python-version 3.11.7 --generate-hashes \
	  $(if $(UPGRADE),--upgrade) -q -o requirements.lock

# Browser tests drive Debian's Chromium through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not installed and not root: browser tests will be skipped"; fi; }

# Regenerates the Python client (clients/python/) from the OpenAPI schema with openapi-python-client (pinned in the
# test extra; settings in clients/python-client.yaml). Commit the result: a test fails when it is stale.
client: $(STAMP)
	$(PY) manage.py spectacular --validate --fail-on-warn --file $(VENV)/facegate-openapi.yaml
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/openapi-python-client generate --path $(VENV)/facegate-openapi.yaml \
	  --config clients/python-client.yaml --meta setup --output-path clients/python --overwrite

# The portal's translations: collects the marked strings into locale/<lang>/LC_MESSAGES/django.po (translate what
# is new or fuzzy there), then compiles the .mo files. Commit both: nothing needs gettext at run time.
MESSAGES_LANGUAGES := de fr it es
messages: $(STAMP)
	$(PY) manage.py makemessages --no-obsolete $(foreach l,$(MESSAGES_LANGUAGES),-l $(l)) \
	  --ignore=".venv/*" --ignore=".facegate/*" --ignore="clients/*" --ignore="tests/*" --ignore="bench/*"
	$(PY) manage.py compilemessages $(foreach l,$(MESSAGES_LANGUAGES),-l $(l)) --ignore=".venv/*"

# Starts the embedded servers and leaves them running; `make stop` ends them.
services: $(STAMP)
	$(PY) -m devserver services $(if $(STANDBY),--standby)

stop: $(STAMP)
	$(PY) -m devserver stop

bench: $(STAMP)
	$(PY) -m devserver services >/dev/null
	$(PY) bench/search.py

clean-data:
	rm -rf .facegate
