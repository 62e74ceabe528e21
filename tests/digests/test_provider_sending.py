"""Sending with an email provider configured: transactional email over its HTTP API (anymail),
digests still over SMTP, now through MAILERS["digests"] (the provider's relay).

The provider is a local HTTP server answering as Mailgun's messages API does, as the SMTP
tests use a local SMTP server: the requests anymail makes are the ones Mailgun would get.
"""

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from briefings.digests import mime, rendering, transport
from tests.conftest import Mailbox, serve
from tests.digests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


class FakeMailgun(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FakeMailgun.received.append((self.path, dict(self.headers), body))
        answer = json.dumps({"id": "<20260101.1@briefings.example>", "message": "Queued"})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def mailgun_api():
    FakeMailgun.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeMailgun)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v3/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def provider(settings, mailgun_api):
    """As config/settings.py sets it up for EMAIL_PROVIDER=mailgun and a local SMTP relay."""
    mailbox = Mailbox()
    controller = serve(settings, mailbox)
    settings.MAILERS = {
        "default": {"BACKEND": "anymail.backends.mailgun.EmailBackend"},
        "digests": settings.MAILERS["default"],
    }
    settings.ANYMAIL = {"MAILGUN_API_KEY": "key-for-tests", "MAILGUN_API_URL": mailgun_api}
    yield mailbox
    controller.stop()


def test_a_confirmation_goes_through_the_providers_api(provider):
    ana = SubscriberFactory(email="ana@mail.example", state="pending", confirmed_at=None)
    assert rendering.confirmation(ana, "token").send() == 1

    [(path, headers, body)] = FakeMailgun.received
    assert path == "/v3/briefings.example/messages"
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"api:key-for-tests").decode()
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    fields = urllib.parse.parse_qs(body.decode())
    assert fields["to"] == ["ana@mail.example"]
    assert fields["subject"] == ["Confirm your Briefing Desk email subscription"]
    assert fields["h:Auto-Submitted"] == ["auto-generated"]
    assert "/subscribe/confirm/token/" in fields["text"][0]
    assert provider.messages == []  # nothing went over SMTP


def test_digests_keep_their_smtp_transport_through_the_relay(provider):
    ana = SubscriberFactory(email="ana@mail.example")
    msgid = mime.message_id("digest", 1, ana.pk)
    data = (
        f"From: desk@briefings.example\r\nTo: {ana.email}\r\nMessage-ID: {msgid}\r\n"
        "Subject: Your daily digest\r\n\r\nHello\r\n"
    ).encode()
    with transport.Postman() as postman:
        assert postman.smtp is not None
        postman.send(ana.email, data)
    [message] = provider.wait_for(1)
    assert message["Message-ID"] == msgid
    assert FakeMailgun.received == []
