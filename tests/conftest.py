"""Shared fixtures: the real services the suite runs against.

PostgreSQL comes from pytest-django; Redis serves as cache and Celery broker; email goes to a
real SMTP server in this process; pages are checked in Debian's Chromium through Playwright.
"""

import os
import threading
import uuid
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache

from config.celery import app as celery_app

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "artifacts")

# Tests are marked by what they use, so `make test-fast` (-m "not browser and not worker and not
# bench") cannot run one by mistake: a browser (Chromium through Playwright), a real Celery
# worker (in this process, or worker and beat subprocesses), or a benchmark script.
BROWSER_FIXTURES = {"browser", "page"}
WORKER_FIXTURES = {"celery_worker", "stack"}  # `stack`: tests/newsroom/test_scheduling*.py


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


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield


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
    yield tab
    context.close()
    assert not errors, f"console errors: {errors}"


def screenshot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)
