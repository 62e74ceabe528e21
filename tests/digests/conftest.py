import pytest
from aiosmtpd.controller import Controller

from tests.conftest import Mailbox


@pytest.fixture(autouse=True)
def _digest_settings(settings):
    settings.SITE_URL = "https://desk.example"
    settings.DIGEST_RETRY_BACKOFF = 0.2


class EphemeralController(Controller):
    """aiosmtpd's Controller on port 0: its start-up probe must dial the port actually bound."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def smtp_server(settings):
    """The shared fixture's server, on a free port that works with aiosmtpd 1.4's probe."""
    mailbox = Mailbox()
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
    yield mailbox
    controller.stop()
