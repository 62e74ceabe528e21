import pytest

from tests.conftest import Mailbox, serve


@pytest.fixture(autouse=True)
def _digest_settings(settings):
    settings.SITE_URL = "https://desk.example"
    settings.DIGEST_RETRY_BACKOFF = 0.2


class PipeliningMailbox(Mailbox):
    """The same mailbox, advertising RFC 2920 PIPELINING as production relays do."""

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [responses[0], "250-PIPELINING", *responses[1:]]


@pytest.fixture(params=[Mailbox, PipeliningMailbox], ids=["one-by-one", "pipelining"])
def any_smtp_server(request, settings):
    """The SMTP server with and without PIPELINING: the two ways the digest sender talks."""
    mailbox = request.param()
    controller = serve(settings, mailbox)
    yield mailbox
    controller.stop()
