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


class PipeliningMailbox(Mailbox):
    """The same mailbox, advertising RFC 2920 PIPELINING as production relays do."""

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [responses[0], "250-PIPELINING", *responses[1:]]


def serve(settings, mailbox):
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
    """The shared fixture's server, on a free port that works with aiosmtpd 1.4's probe."""
    mailbox = Mailbox()
    controller = serve(settings, mailbox)
    yield mailbox
    controller.stop()


@pytest.fixture(params=[Mailbox, PipeliningMailbox], ids=["one-by-one", "pipelining"])
def any_smtp_server(request, settings):
    """The SMTP server with and without PIPELINING: the two ways the digest sender talks."""
    mailbox = request.param()
    controller = serve(settings, mailbox)
    yield mailbox
    controller.stop()
