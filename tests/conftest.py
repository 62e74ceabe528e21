"""Shared fixtures: the real services the suite runs against.

PostgreSQL comes from pytest-django; Redis serves as cache and Celery broker; email goes to a
real SMTP server in this process; pages are checked in Debian's Chromium through Playwright.

The session never uses the development site's Redis databases: see `redis_for_tests`.
"""

import contextlib
import os
import threading
import time
import uuid
from email import message_from_bytes, policy
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

from config.celery import app as celery_app

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "artifacts")

REDIS_DATABASES = 16  # Redis's default `databases`
DEV_DEFAULT_DATABASES = {0, 1}  # config/settings.py: broker 0, cache 1


def redis_for_tests(url, avoid, worker=0):
    """The test session's counterpart of a development Redis URL: the same server, database
    n + 2 (modulo 16), and n + 2 + 2w for xdist's worker w (gw0, gw1...), so that parallel
    workers never flush each other's cache. The development defaults (cache 1, broker 0)
    become 3 and 2; a checkout's own pair (CACHE_URL .../9, CELERY_BROKER_URL .../10) becomes
    11 and 12. The mapping is one to one for serial runs, so test runs of checkouts with
    distinct databases never share one, and a pair of
    neighbouring databases never lands on itself. `cache.clear()` (every test, below) empties
    the whole database, so a result in `avoid` (this checkout's own databases and the
    development defaults) is refused: set TEST_CACHE_URL and TEST_BROKER_URL then (each worker
    w > 0 moves those 2w databases on too).
    """
    servers = []
    for location in url.split(","):  # Django's Redis cache takes several servers
        parts = urlsplit(location)
        if parts.scheme not in {"redis", "rediss"} or parts.query:
            raise pytest.UsageError(
                f"Cannot derive a test database from {location!r}: "
                "set TEST_CACHE_URL and TEST_BROKER_URL."
            )
        db = (int(parts.path.strip("/") or 0) + 2 + 2 * worker) % REDIS_DATABASES
        if db in avoid:
            raise pytest.UsageError(
                f"The test counterpart of {location!r} would be database {db}, which the "
                "development site uses: set TEST_CACHE_URL and TEST_BROKER_URL."
            )
        servers.append(urlunsplit(parts._replace(path=f"/{db}")))
    return ",".join(servers)


def redis_databases(*urls):
    return {int(urlsplit(u).path.strip("/") or 0) for url in urls for u in url.split(",")}


# What the development site uses (config.settings, from CACHE_URL and CELERY_BROKER_URL), and
# what this session uses instead: TEST_CACHE_URL, TEST_CACHE_KEY_PREFIX and TEST_BROKER_URL
# when set, else the counterparts above under the key prefix "test". Under pytest-xdist
# (`make test-fast` runs two workers) each worker has databases and a key prefix of its own.
DEV_REDIS = {
    "cache": settings.CACHES["default"]["LOCATION"],
    "key_prefix": settings.CACHES["default"].get("KEY_PREFIX", ""),
    "broker": settings.CELERY_BROKER_URL,
}
_avoid = DEV_DEFAULT_DATABASES | redis_databases(DEV_REDIS["cache"], DEV_REDIS["broker"])
_worker_name = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"... under xdist
_worker = int(_worker_name.removeprefix("gw") or 0)


def _test_url(variable, dev_url):
    if url := os.environ.get(variable):
        return redis_for_tests(url, set(), worker=_worker - 1) if _worker else url
    return redis_for_tests(dev_url, _avoid, worker=_worker)


TEST_REDIS = {
    "cache": _test_url("TEST_CACHE_URL", DEV_REDIS["cache"]),
    "key_prefix": "-".join(
        filter(None, [os.environ.get("TEST_CACHE_KEY_PREFIX") or "test", _worker_name])
    ),
    "broker": _test_url("TEST_BROKER_URL", DEV_REDIS["broker"]),
}
_test_redis_settings = override_settings(
    CACHES={
        **settings.CACHES,
        "default": {
            **settings.CACHES["default"],
            "LOCATION": TEST_REDIS["cache"],
            "KEY_PREFIX": TEST_REDIS["key_prefix"],
        },
    },
    CELERY_BROKER_URL=TEST_REDIS["broker"],
)


# Django's advice for test suites: a fast password hasher. Every UserFactory user and every
# login hashes a password, and PBKDF2 at 1,500,000 iterations costs 0.7 s each here; what the
# tests check about passwords (set, checked, unusable) holds whatever the hasher.
_fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def pytest_configure(config):
    # This process: Django's cache handler is rebuilt by the setting_changed signal; Celery's
    # conf is set directly in case it was read already. Subprocesses (worker and beat in
    # tests/newsroom, the worker in tests/digests/test_worker_killed.py, the benchmark scripts)
    # pass os.environ on, and config/settings.py reads these three from it.
    _test_redis_settings.enable()
    _fast_hasher.enable()
    celery_app.conf.broker_url = TEST_REDIS["broker"]
    os.environ["CACHE_URL"] = TEST_REDIS["cache"]
    os.environ["CACHE_KEY_PREFIX"] = TEST_REDIS["key_prefix"]
    os.environ["CELERY_BROKER_URL"] = TEST_REDIS["broker"]


def pytest_unconfigure(config):
    _fast_hasher.disable()
    _test_redis_settings.disable()


# Tests are marked by what they use, so `make test-fast` (-m "not browser and not worker and not
# bench") cannot run one by mistake: a browser (Chromium through Playwright), a real Celery
# worker (in this process, or worker and beat subprocesses), or a benchmark script.
BROWSER_FIXTURES = {"browser", "page"}
# `stack`: tests/newsroom/test_scheduling*.py; `varnish`: a varnishd process in front of the live
# server (tests/site/test_varnish.py), which `make test` installs and test-fast does not.
WORKER_FIXTURES = {"celery_worker", "stack", "varnish"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if fixtures & WORKER_FIXTURES:
            item.add_marker(pytest.mark.worker)
        if item.path.parent.name == "benchmarks" and item.path.name.startswith("test_bench_"):
            item.add_marker(pytest.mark.bench)


@pytest.fixture
def editor_client(client):
    """The test client, logged in as a member of the editor group."""
    from tests.factories import editor

    client.force_login(editor())
    return client


@pytest.fixture
def verified_editor_client(client, settings):
    """The test client as an editor who gave a second factor, with the second factor required
    of every staff login as in production (development and the suite's default leave it off)."""
    from tests.admin_support import otp_verified
    from tests.factories import editor

    settings.STAFF_OTP_REQUIRED = True
    otp_verified(client, editor())
    return client


@pytest.fixture(autouse=True)
def _dossier_storage(settings, tmp_path_factory):
    """Dossier dumps a test (or its worker) writes go to a folder of the test's own."""
    storages = {key: dict(value) for key, value in settings.STORAGES.items()}
    location = tmp_path_factory.mktemp("dossier")
    storages["dossier"] = {**storages["dossier"], "OPTIONS": {"location": str(location)}}
    settings.STORAGES = storages


@pytest.fixture(scope="module")
def module_media_root(tmp_path_factory):
    """The media directory of a fixture built once for a module's tests (the leak test's
    newsroom): the files it stored must stay where its records say they are."""
    return str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _media_root(request, settings, tmp_path_factory):
    """Uploads and renditions go to a directory of the test's own, never var/media; that of
    its module's shared fixture when it uses one."""
    if "module_media_root" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("module_media_root")
    else:
        settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a request to a /fr/ page leaves French active in the
    test's thread (LocaleMiddleware activates it and nothing deactivates it), so reverse()
    and get_absolute_url() in the next test would give /fr/ paths."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives, parsed, with its envelope."""

    def __init__(self):
        self.messages = []
        self.condition = threading.Condition()
        self.refuse = None  # set to an SMTP status line ("450 ...") to make the server refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.condition:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
            self.condition.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=20):
        with self.condition:
            if not self.condition.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"expected {count} messages, got {len(self.messages)}")
        return [m for _, _, m in self.messages]

    def to(self, address):
        return [m for _, rcpts, m in self.messages if address in rcpts]


class EphemeralController(Controller):
    """aiosmtpd's Controller on port 0: its start-up probe must dial the port actually bound."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def serve(settings, mailbox):
    """Start a real SMTP server for `mailbox` and point Django's default mailer at it."""
    controller = EphemeralController(mailbox, hostname="127.0.0.1", port=0)
    controller.start()
    # The test runner swaps in the locmem backend; these tests want SMTP on the wire.
    mailers = {key: dict(value) for key, value in settings.MAILERS.items()}
    mailers["default"] = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
    }
    settings.MAILERS = mailers
    mailbox.port = controller.port
    return controller


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free local port; Django's default mailer points at it."""
    mailbox = Mailbox()
    controller = serve(settings, mailbox)
    yield mailbox
    controller.stop()


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker consuming from the real Redis broker, on a queue of its own."""
    from celery.contrib.testing.worker import start_worker

    queue = f"test-{uuid.uuid4().hex[:12]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    with start_worker(
        celery_app, pool="threads", concurrency=2, perform_ping_check=False, queues=[queue]
    ) as worker:
        yield worker
    celery_app.conf.task_default_queue = previous


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
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
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh browser context; console errors fail the test that opened the page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.console_errors = errors
    # Requests still on their way when the test ends (an autosave beacon sent as the page
    # goes): the database is flushed after the test, and a request writing during the flush
    # deadlocks it. Refuse new ones, leave the page, then let those already sent land.
    pending = set()
    tab.on("request", lambda request: pending.add(request))
    tab.on("requestfinished", lambda request: pending.discard(request))
    tab.on("requestfailed", lambda request: pending.discard(request))
    yield tab
    from playwright.sync_api import Error as BrowserError

    context.route("**/*", lambda route: route.abort())

    with contextlib.suppress(BrowserError):  # a page that asks before it is left stays put
        tab.goto("about:blank")
    deadline = time.monotonic() + 10
    while pending and time.monotonic() < deadline:
        tab.wait_for_timeout(20)  # lets Playwright deliver the requests' events
    context.close()
    assert not errors, f"console errors: {errors}"


def screenshot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)
