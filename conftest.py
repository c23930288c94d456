import os

import pytest

from erating.base.testing import PASSWORD, make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def redis_cache(settings):
    """The default cache on the Redis server this machine runs (REDIS_TEST_URL), under a key
    prefix of this test's own, as app servers with REDIS_URL use it -> a client of that server."""
    import uuid

    import redis

    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/13")
    server = redis.Redis.from_url(url)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not running at {url}")
    prefix = f"t{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": prefix}}
    server.test_prefix = prefix
    yield server
    keys = server.keys(f"{prefix}:*")
    if keys:
        server.delete(*keys)


@pytest.fixture
def still_clock(monkeypatch):
    """The abuse limits' fixed windows held at one instant: a window ending mid-test would
    reset a count the test is building up."""
    from erating.base.ingest import counters

    monkeypatch.setattr(counters, "clock", lambda: 1_000_000.0)


@pytest.fixture
def memory_cache(settings):
    """The default cache in process memory, empty: as one app server without REDIS_URL."""
    import uuid

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"test-{uuid.uuid4().hex}"}}


@pytest.fixture
def task_backend(settings):
    """task_backend("dotted.Backend") -> that backend instance as the default one for this test
    (Django's task backends are built once from settings.TASKS and ignore later changes)."""
    from django.tasks import task_backends

    def use(path, **params):
        settings.TASKS = {"default": {"BACKEND": path, **params}}
        task_backends.__init__()
        return task_backends["default"]

    yield use
    task_backends.__init__()  # built again from the restored settings when next used


@pytest.fixture
def queued_tasks(task_backend):
    """Tasks enqueued by this test kept, not run -> the list of their TaskResults."""
    return task_backend("django.tasks.backends.dummy.DummyBackend").results


@pytest.fixture
def login(client):
    """login(user) → the test client logged in as that user (through the real login form's backend)."""

    def do_login(user):
        # Axes' backend needs a request (it refuses None): give it one from the test client's address.
        from django.test import RequestFactory

        assert client.login(request=RequestFactory().post("/control/login/"), username=user.email, password=PASSWORD)
        return client

    return do_login


# --- Browser tests: Debian's Chromium driven by Playwright (never a downloaded browser) ---------
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport=(w, h), **context_options) → a page in a fresh context; base URL is the live server."""
    contexts = []

    def make(viewport=(1280, 800), **options):
        context = browser.new_context(base_url=live_server.url,
                                      viewport={"width": viewport[0], "height": viewport[1]}, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
