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

from briefings.digests import editions, mime, rendering, transport
from briefings.digests.models import Delivery, Subscriber
from tests.conftest import Mailbox, serve
from tests.digests.factories import SubscriberFactory
from tests.factories import BriefingFactory

pytestmark = pytest.mark.django_db


class FakeMailgun(BaseHTTPRequestHandler):
    received = []
    answers = {}  # recipient: (status, message) to answer instead of "Queued"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FakeMailgun.received.append((self.path, dict(self.headers), body))
        to = urllib.parse.parse_qs(body.decode()).get("to", [""])[0]
        status, text = FakeMailgun.answers.get(to, (200, "Queued. Thank you."))
        answer = json.dumps({"id": "<20260101.1@briefings.example>", "message": text})
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def mailgun_api():
    FakeMailgun.received = []
    FakeMailgun.answers = {}
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
    assert "/en/subscribe/confirm/token/" in fields["text"][0]
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


def fields_of(body):
    return {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}


def test_a_chunk_goes_through_the_providers_api(provider, settings):
    """DIGEST_SEND_VIA=api: the chunk's marks, bounces and retries as over SMTP."""
    settings.MAILERS = {**settings.MAILERS, "digests": settings.MAILERS["default"]}
    settings.DIGEST_HARD_BOUNCE_LIMIT = 1
    BriefingFactory(headline="Ministers meet in Ottawa")
    ana = SubscriberFactory(email="ana@mail.example")
    gone = SubscriberFactory(email="gone@mail.example")
    busy = SubscriberFactory(email="busy@mail.example")
    FakeMailgun.answers = {
        # Mailgun answers 400 for an address it will not send to; anymail names it refused
        # only when its parsed status says so: here a 5xx (retry) and a 400 (a bad request).
        "gone@mail.example": (400, "'to' parameter is not a valid address."),
        "busy@mail.example": (503, "Service unavailable"),
    }
    edition = editions.start_edition("daily")
    [chunk] = edition.chunks.all()

    temporary = editions.send_chunk(chunk.pk)

    sent = {fields_of(body)["to"]: fields_of(body) for _, _, body in FakeMailgun.received}
    assert set(sent) == {ana.email, gone.email, busy.email}
    message = sent[ana.email]
    assert message["subject"] == "Ministers meet in Ottawa"
    assert message["h:Message-Id"] == mime.message_id("digest", edition.pk, ana.pk)
    assert message["h:List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/en/subscribe/unsubscribe/" in message["h:List-Unsubscribe"]
    assert "Ministers meet in Ottawa" in message["text"] and "<html" in message["html"]
    assert provider.messages == []  # nothing over SMTP
    states = dict(Delivery.objects.values_list("subscriber__email", "state"))
    assert states[ana.email] == Delivery.State.SENT
    # An API error is never a bounce: a bad key or a bad request must not suppress readers.
    assert states[gone.email] == states[busy.email] == Delivery.State.CLAIMED
    assert temporary == 2
    assert Subscriber.objects.filter(state="suppressed").count() == 0

    FakeMailgun.answers = {}
    FakeMailgun.received = []
    assert editions.send_chunk(chunk.pk) == 0
    assert sorted(fields_of(body)["to"] for _, _, body in FakeMailgun.received) == [
        busy.email,
        gone.email,
    ]
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
