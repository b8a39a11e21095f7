"""Shared fixtures: real PostgreSQL+pgvector and Redis (started by `make test`), a real Celery worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# The machines are shared and noisy: a property test fails on its property, never on a wall-clock deadline.
hypothesis_settings.register_profile("facegate", deadline=None)
hypothesis_settings.load_profile("facegate")

FACES_DIR = Path(__file__).resolve().parent / "faces"  # the photos the tests use, small copies (faces/README.md)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Transactional tests empty every table by TRUNCATE after each test; the audit tables refuse TRUNCATE unless
    the session setting `facegate.audit_truncate` is 'allow' (docs/audit.md). Only the test database sets it."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"ALTER DATABASE {name} SET facegate.audit_truncate = 'allow'")
        cursor.execute("SET facegate.audit_truncate = 'allow'")


@pytest.fixture(scope="session", autouse=True)
def _erasure_journal(tmp_path_factory):
    """The erasures of the suite are journalled apart from the checkout's own journal (the processes it starts
    read the environment)."""
    import os

    from django.conf import settings

    path = tmp_path_factory.mktemp("erasure-journal")
    settings.ERASURE_JOURNAL_DIR = path
    os.environ["ERASURE_JOURNAL_DIR"] = str(path)


@pytest.fixture(autouse=True)
def _seed_data(request):
    """Transactional tests truncate every table; put the migration-loaded seed rows back when they are gone."""
    if "django_db_setup" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("django_db_setup")
    from django.apps import apps as django_apps
    from django.contrib.auth.models import Group

    from consent.models import Jurisdiction
    from core.officers import OFFICERS_GROUP
    from policy import seed

    if request.node.get_closest_marker("django_db") is None:
        # A test that takes the database through a fixture (transactional_db) and not a marker: open it first.
        uses_db = [name for name in ("transactional_db", "db") if name in request.fixturenames]
        if not uses_db:
            return
        request.getfixturevalue(uses_db[0])
    if not Jurisdiction.objects.exists():
        seed.load(django_apps, None)
        seed.load_clocks(django_apps, None)
        seed.load_time_zones(django_apps, None)
    Group.objects.get_or_create(name=OFFICERS_GROUP)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle windows live in Redis, which outlives a test (and a run): every test starts with full budgets."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=cache.make_key("throttle:*")):
        client.delete(key)


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker consuming the real Redis broker, in a thread of this process."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.control.purge()
    # Its connection closed around each task (config/settings.py keeps a worker process's open): this worker is a
    # thread that ends with the test, and a connection left open would keep the test database from being dropped.
    reuse = app.conf.CELERY_DB_REUSE_MAX
    app.conf.CELERY_DB_REUSE_MAX = None
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
            yield worker
    finally:
        app.conf.CELERY_DB_REUSE_MAX = reuse


@pytest.fixture
def faces_dir() -> Path:
    """Real photos of known people: people/<identity>/<file> and group/<file>, shipped with the suite."""
    return FACES_DIR


@pytest.fixture
def browser_page(live_server):
    """A real Chromium (Debian's package) driven by Playwright; yields (page, base_url)."""
    import os
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        try:
            yield page, live_server.url
        finally:
            browser.close()
            # ORM calls made while Playwright's loop ran leave connections open; close them so the
            # test database can be dropped at the end of the run.
            from django.db import connections

            connections.close_all()


def _procfile(*processes: str, ready):
    """`honcho start [processes]` on the Procfile, as in production, against the test database and the embedded
    Redis, on a free port; yields (base_url, the output so far as a callable) once `ready(base_url)` is true."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import tempfile
    import time

    import httpx
    from django.db import connection

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = connection.settings_dict
    host = db["HOST"]  # the test database: a socket folder (embedded) or a host
    where = f"/{db['NAME']}?host={host}" if host.startswith("/") else f"{host}:{db['PORT'] or 5432}/{db['NAME']}"
    bin_dir = os.path.dirname(sys.executable)
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "DATABASE_URL": f"postgresql://{db['USER']}:{db['PASSWORD']}@{where}",
        "PORT": str(port),
        "PUBLIC_BASE_URL": base_url,
        "WEB_WORKERS": "1",
        "WORKER_CONCURRENCY": "1",
        "PYTHONUNBUFFERED": "1",
    }
    root = FACES_DIR.parents[1]
    log = tempfile.TemporaryFile(mode="w+")
    stack = subprocess.Popen(
        [os.path.join(bin_dir, "honcho"), "start", "-f", str(root / "Procfile"), *processes],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip

    def output() -> str:
        log.seek(0)
        return log.read()

    try:
        deadline = time.monotonic() + 180
        while True:
            assert stack.poll() is None, f"honcho exited:\n{output()}"
            try:
                if ready(base_url):
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"the stack did not become ready:\n{output()}"
            time.sleep(1)
        yield base_url, output
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
            stack.wait()
        log.close()


@pytest.fixture
def procfile_stack(transactional_db):
    """The Procfile's processes (web, worker, beat, sequencer); ready when /healthz is 200, i.e. the database,
    Redis, a worker and the weights all answer."""
    import httpx

    from config.celery import app

    app.control.purge()
    yield from _procfile(ready=lambda url: httpx.get(f"{url}/healthz", timeout=5).status_code == 200)


@pytest.fixture
def procfile_web(transactional_db):
    """The Procfile's web process alone (gunicorn as production runs it); ready when it answers HTTP at all."""
    import httpx

    yield from _procfile("web", ready=lambda url: httpx.get(f"{url}/healthz", timeout=5) is not None)


@pytest.fixture
def signing_key_ring(settings, tmp_path):
    """This test's own copy of the checkout's key ring (a rotation here leaves the checkout's keys, and the other
    processes of the suite, alone); yields the ring file."""
    import shutil

    from core.keys import key_ring

    key_ring()  # the checkout's ring exists (adopted or created)
    path = tmp_path / "keys" / "signing_keys.json"
    path.parent.mkdir()
    shutil.copy2(settings.AUDIT_KEY_RING_FILE, path)
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_KEY_RING_FILE = path
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "keys" / "audit_signing_key"  # no legacy seed to remove
    return path
