"""Golden messages: a digest, an alert and a confirmation, parsed back as a mail reader would.

The expected decoded text is kept here (plain text) and under golden/ (HTML), so any change to
what a subscriber reads shows up as a diff. Line ends are compared as LF: MIME text travels
with CRLF, which the parser hands back as it came.
"""

import datetime
import email.utils
import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from briefings.digests import mime, rendering, tasks, transport
from briefings.digests.models import Edition, Subscriber
from briefings.newsroom.models import Briefing
from tests.digests.factories import SubscriberFactory
from tests.factories import AgreementFactory, BriefingFactory

GOLDEN = Path(__file__).with_name("golden")
AT = datetime.datetime(2025, 6, 23, 5, 30, tzinfo=datetime.UTC)
DATE = "Mon, 23 Jun 2025 07:00:00 +0000"
PREFERENCES = "https://desk.example/en/subscribe/preferences/P42/"
UNSUBSCRIBE = "https://desk.example/en/subscribe/unsubscribe/U42/"
# Why the reader gets it, with markup characters: raw in the text part, escaped in the HTML.
REASON = "You follow défense, CETA and <Italy & co>."
EDITION = Edition(kind="daily", period=datetime.date(2025, 6, 23))
# 196 characters, as headlines stop at 200, with accents, "€" and typographic punctuation;
# the subjects built on it are the part over 200.
LONG = (
    "Bruxelles et Ottawa s’accordent sur la défense : le fonds SAFE de 150 milliards d’€ "
    "s’ouvre au Canada, mais la Bundeswehr prüft die Übernahme kanadischer Systeme — "
    "und die Beschaffung bleibt offen"
)
DOT_LINE = ".NET aside: the procurement rules change on 1 July."

DIGEST_TEXT = f"""\
BRIEFING DESK — your daily digest
3 new briefings
On the web: https://desk.example/en/digests/daily-2025-06-23/

== Partenariat de sécurité et de défense UE–Canada ==

{LONG}
{DOT_LINE}
News · 23 June 2025, 07:30 Brussels
https://desk.example/en/briefings/bruxelles-ottawa/

Zürich hosts the follow-up talks
Costs: 2 € per head.
News · 23 June 2025, 05:30 Brussels
https://desk.example/en/briefings/zurich/

== Other briefings ==

Ministers meet in Ottawa
News · 23 June 2025, 06:30 Brussels
https://desk.example/en/briefings/ottawa/

--
{REASON}
Change what you receive: {PREFERENCES}
Unsubscribe: {UNSUBSCRIBE}
"""

ALERT_TEXT = f"""\
BRIEFING DESK — alert

Partenariat de sécurité et de défense UE–Canada: {LONG}
{DOT_LINE}
23 June 2025, 07:30 Brussels
https://desk.example/en/briefings/bruxelles-ottawa/

--
{REASON}
Change what you receive: {PREFERENCES}
Unsubscribe: {UNSUBSCRIBE}
"""

CONFIRM_TEXT = """\
BRIEFING DESK

Someone — probably you — asked to receive Briefing Desk digests at this address. \
Confirm to start; if it wasn't you, ignore this email and nothing more will be sent.

Confirm: https://desk.example/en/subscribe/confirm/tok-123/

The link works for 48 hours.

"""


def lf(text):
    return text.replace("\r\n", "\n")


def golden(name):
    return (GOLDEN / name).read_text(encoding="utf-8")


def parse(data):
    return message_from_bytes(data, policy=policy.default)


def header_lines(data):
    return data.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")


def assert_parts(message, text, html):
    """A text and an HTML alternative, both UTF-8 quoted-printable, decoding to exactly these."""
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    for part in parts:
        assert part.get_content_charset() == "utf-8"
        assert part["Content-Transfer-Encoding"] == "quoted-printable"
    assert lf(parts[0].get_content()) == text
    assert lf(parts[1].get_content()) == html


def assert_list_headers(message, data):
    assert message["MIME-Version"] == "1.0"
    assert message["From"] == "Briefing Desk <desk@briefings.example>"
    assert message["To"] == "ana@mail.example"
    assert message["Date"] == DATE
    assert message["List-Id"] == "Briefing Desk digest <digest.briefings.example>"
    https, mailto = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
    assert https == UNSUBSCRIBE
    assert mailto == "mailto:unsubscribe@briefings.example?subject=unsubscribe"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    # Folded: no header line past RFC 5322's 78 columns, encoded-word lines within 76.
    lines = header_lines(data)
    assert max(len(line) for line in lines) <= 78
    assert all(len(line) <= 76 for line in lines if "=?utf-8?b?" in line)


@pytest.fixture
def briefings():
    """A long accented lead and a Swiss follow-up on one dossier, one briefing on none."""
    pact = AgreementFactory(title="Partenariat de sécurité et de défense UE–Canada", slug="pacte")
    lead = BriefingFactory(headline=LONG, slug="bruxelles-ottawa", dek=DOT_LINE, publish_at=AT)
    lead.agreements.add(pact)
    second = BriefingFactory(
        headline="Zürich hosts the follow-up talks",
        slug="zurich",
        dek="Costs: 2 € per head.",
        publish_at=AT - datetime.timedelta(hours=2),
    )
    second.agreements.add(pact)
    BriefingFactory(
        headline="Ministers meet in Ottawa",
        slug="ottawa",
        dek="",
        publish_at=AT - datetime.timedelta(hours=1),
    )
    return list(Briefing.objects.prefetch_related("agreements").order_by("-publish_at"))


def digest_bytes(briefings):
    prepared = rendering.DigestRenderer("daily", EDITION).render(briefings)
    msgid = mime.message_id("digest", 7, 42)
    return prepared.build("ana@mail.example", msgid, PREFERENCES, UNSUBSCRIBE, DATE, REASON)


@pytest.mark.django_db
def test_digest_message(briefings):
    data = digest_bytes(briefings)
    message = parse(data)
    assert message["Subject"] == f"{LONG} — and 2 more briefings"
    assert len(message["Subject"]) > 200
    assert message["Message-ID"] == "<digest.7.42@briefings.example>"
    assert_list_headers(message, data)
    assert_parts(message, DIGEST_TEXT, golden("digest.html"))


@pytest.mark.django_db
def test_alert_message(briefings):
    prepared = rendering.render_alert(briefings[0])
    msgid = mime.message_id("alert", 9, 42)
    data = prepared.build("ana@mail.example", msgid, PREFERENCES, UNSUBSCRIBE, DATE, REASON)
    message = parse(data)
    assert message["Subject"] == f"Alert: {LONG}"
    assert message["Message-ID"] == "<alert.9.42@briefings.example>"
    assert_list_headers(message, data)
    assert_parts(message, ALERT_TEXT, golden("alert.html"))


@pytest.mark.django_db
def test_confirmation_email(smtp_server):
    subscriber = SubscriberFactory(
        email="ana@mail.example", state=Subscriber.State.PENDING, confirmed_at=None
    )
    message = parse(rendering.confirmation(subscriber, "tok-123").message().as_bytes())
    assert message["MIME-Version"] == "1.0"
    assert message["From"] == "Briefing Desk <desk@briefings.example>"
    assert message["To"] == "ana@mail.example"
    assert message["Subject"] == "Confirm your Briefing Desk email subscription"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"].datetime.tzinfo is not None
    assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", message["Message-ID"])
    assert message["List-Unsubscribe"] is None  # not a list message: nothing to leave yet
    assert_parts(message, CONFIRM_TEXT, golden("confirm.html"))

    tasks.send_confirmation(subscriber.pk, "tok-123")
    [received] = smtp_server.wait_for(1)
    assert received["Subject"] == message["Subject"]
    assert_parts(received, CONFIRM_TEXT, golden("confirm.html"))


@pytest.mark.django_db
def test_what_arrives_is_what_was_built(any_smtp_server, briefings):
    """Over the wire, pipelined or not, a line starting with "." survives dot-stuffing."""
    raw = []
    accept = any_smtp_server.handle_DATA

    async def keep(server, session, envelope):
        raw.append(envelope.original_content)
        return await accept(server, session, envelope)

    any_smtp_server.handle_DATA = keep
    data = digest_bytes(briefings)
    assert f"\r\n{DOT_LINE}\r\n".encode() in data  # the dot starts a line of the text part
    with transport.Postman() as postman:
        postman.send("ana@mail.example", data)
    [message] = any_smtp_server.wait_for(1)
    assert raw == [data]
    assert any_smtp_server.messages[0][:2] == ("desk@briefings.example", ["ana@mail.example"])
    assert_parts(message, DIGEST_TEXT, golden("digest.html"))


def test_dot_stuffing():
    assert transport.dot_stuff(b".a\r\nb\r\n..c\r\n.\r\n") == b"..a\r\nb\r\n...c\r\n..\r\n"
    assert transport.dot_stuff(b"a.b\r\n") == b"a.b\r\n"


@pytest.mark.parametrize(
    "subject",
    [
        "Plain ASCII " * 30,
        "é ü € " * 60,
        "Ein überlanger Betreff ohne Leerzeichen: " + "Ü" * 250,
        "An ASCII headline quoting =?utf-8?b?QQ==?= literally",
        "x" * 1000,
    ],
)
def test_subject_folds_and_decodes_back(subject):
    line = mime.header("Subject", subject)
    lines = line.split("\r\n")
    assert max(len(part) for part in lines) <= 78
    assert all(len(part) <= 76 for part in lines if "=?utf-8?b?" in part)
    message = parse(f"{line}\r\n\r\nbody\r\n".encode("ascii"))
    assert message["Subject"] == " ".join(subject.split())


def test_date_header_is_now():
    parsed = email.utils.parsedate_to_datetime(mime.now_header())
    assert abs(parsed - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=1)


def test_another_backend_opens_but_refuses_to_send(settings):
    """The test runner's locmem backend: a batch with nothing to send runs as before."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with transport.Postman() as postman, pytest.raises(ImproperlyConfigured):
        postman.send("ana@mail.example", b"Subject: x\r\n\r\nx\r\n")
