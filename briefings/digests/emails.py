"""The desk's emails: rendered once per distinct content, personalised by string, sent over SMTP.

Building an `EmailMultiAlternatives` per recipient costs more than rendering the digest, so a
digest is rendered once for every subscriber who gets the same briefings, with placeholders
for the personal links, and each recipient's message is assembled from pre-encoded pieces.
"""

import base64
import binascii
import contextlib
import email.utils
import functools
import secrets
import smtplib
from dataclasses import dataclass, field
from email.header import Header

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from briefings.digests.models import PREFERENCES_SALT, UNSUBSCRIBE_SALT, Subscriber
from briefings.newsroom.models import Briefing, TaggedBriefing

# Placeholders carry a per-process secret, so no headline can smuggle one into a message.
_NONCE = secrets.token_hex(8)
PREFERENCES_PLACEHOLDER = f"@@{_NONCE}:PREFERENCES_URL@@"
UNSUBSCRIBE_PLACEHOLDER = f"@@{_NONCE}:UNSUBSCRIBE_URL@@"
COUNT_PLACEHOLDER = f"@@{_NONCE}:COUNT@@"
LEAD_PLACEHOLDER = f"@@{_NONCE}:LEAD@@"
BODY_PLACEHOLDER = f"@@{_NONCE}:BODY@@"
PLACEHOLDER_MARK = f"@@{_NONCE}:"
FORMATS = ("html", "txt")


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def sender_address():
    return address_of(settings.DEFAULT_FROM_EMAIL)


@functools.lru_cache
def address_of(value):
    return email.utils.parseaddr(value)[1]


def message_id(kind, first, second):
    """Derived, not random: a resend after a crash carries the same id, so receivers fold it."""
    domain = sender_address().rpartition("@")[2] or "localhost"
    return f"<{kind}.{first}.{second}@{domain}>"


def one_line(text):
    return " ".join(str(text).split())


@dataclass
class Candidate:
    """A public briefing with the ids a subscriber's follows are matched against."""

    briefing: Briefing
    tags: set = field(default_factory=set)
    actors: set = field(default_factory=set)
    agreements: set = field(default_factory=set)


@dataclass
class Follows:
    follow_all: bool = True
    tags: set = field(default_factory=set)
    actors: set = field(default_factory=set)
    agreements: set = field(default_factory=set)

    def match(self, candidate):
        return (
            self.follow_all
            or bool(self.tags & candidate.tags)
            or bool(self.actors & candidate.actors)
            or bool(self.agreements & candidate.agreements)
        )


def load_candidates(since, until):
    """Public briefings published in (since, until], newest first, with their follow ids."""
    briefings = list(
        Briefing.objects.published()
        .filter(publish_at__gt=since, publish_at__lte=until)
        .prefetch_related("agreements")
        .order_by("-publish_at", "-pk")
    )
    candidates = {b.pk: Candidate(b) for b in briefings}
    ids = list(candidates)
    for briefing_id, tag_id in TaggedBriefing.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag_id"
    ):
        candidates[briefing_id].tags.add(tag_id)
    for briefing_id, actor_id in Briefing.actors.through.objects.filter(
        briefing_id__in=ids
    ).values_list("briefing_id", "actor_id"):
        candidates[briefing_id].actors.add(actor_id)
    for candidate in candidates.values():
        candidate.agreements = {a.pk for a in candidate.briefing.agreements.all()}
    return list(candidates.values())


def load_follows(subscribers):
    """Follows for a batch of subscriber rows (dicts with id and follow_all), in four queries."""
    follows = {s["id"]: Follows(follow_all=s["follow_all"]) for s in subscribers}
    ids = list(follows)
    for attr, model, column in (
        ("tags", Subscriber.tags.through, "tag_id"),
        ("actors", Subscriber.actors.through, "actor_id"),
        ("agreements", Subscriber.agreements.through, "agreement_id"),
    ):
        rows = model.objects.filter(subscriber_id__in=ids).values_list("subscriber_id", column)
        for subscriber_id, target_id in rows:
            getattr(follows[subscriber_id], attr).add(target_id)
    return follows


def group_by_dossier(briefings):
    """Briefings grouped under their first agreement, groups in order of their newest briefing."""
    groups = {}
    for briefing in briefings:
        if not hasattr(briefing, "email_url"):  # worked out once per briefing, not per digest
            agreements = sorted(briefing.agreements.all(), key=lambda a: a.pk)
            briefing.dossier = agreements[0] if agreements else None
            briefing.email_url = absolute(briefing.get_absolute_url())
        dossier = briefing.dossier
        groups.setdefault(dossier.pk if dossier else None, (dossier, []))[1].append(briefing)
    return [
        {
            "dossier": dossier,
            "url": dossier and absolute(dossier.get_absolute_url()),
            "briefings": items,
        }
        for dossier, items in groups.values()
    ]


def encode_header(value):
    """An unstructured header value: ASCII as is, otherwise RFC 2047 base64 words of UTF-8.

    Written out because `email.header.Header` spends milliseconds on a subject, and a digest
    run encodes one per distinct selection of briefings.
    """
    value = one_line(value)
    if value.isascii() and len(value) < 900:
        return value
    words, word = [], ""
    for char in value:
        if len((word + char).encode()) > 45:
            words.append(word)
            word = ""
        word += char
    words.append(word)
    encoded = (base64.b64encode(w.encode()).decode("ascii") for w in words)
    return "\r\n ".join(f"=?utf-8?b?{w}?=" for w in encoded)


def qp(text):
    """Quoted-printable body with CRLF line ends, as SMTP wants it."""
    text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return binascii.b2a_qp(text.encode("utf-8"), istext=True)


def qp_segments(text):
    """The body, encoded once, except the lines with personal links, left to fill and encode.

    Quoted-printable works line by line, so encoding lines separately gives the same bytes as
    encoding the whole; a recipient then costs the encoding of two short lines, not the body.
    """
    segments, static = [], []
    for line in text.replace("\r\n", "\n").rstrip("\n").split("\n"):
        if PLACEHOLDER_MARK in line:
            if static:
                segments.append(qp("\n".join(static) + "\n"))
                static = []
            segments.append(line + "\n")
        else:
            static.append(line)
    if static:
        segments.append(qp("\n".join(static) + "\n"))
    return segments


def fill(segments, preferences_url, unsubscribe_url):
    return b"".join(
        segment
        if isinstance(segment, bytes)
        else qp(
            segment.replace(PREFERENCES_PLACEHOLDER, preferences_url).replace(
                UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url
            )
        )
        for segment in segments
    )


class Rendered:
    """One email's content, shared by every recipient of the same briefings."""

    def __init__(self, subject, text, html, list_id=None):
        self.subject = encode_header(subject)
        self.text = text
        self.html = html
        self.list_id = list_id
        self.text_segments = qp_segments(text)
        self.html_segments = qp_segments(html)
        self.boundary = f"=_desk_{secrets.token_hex(12)}"
        self.from_header = encode_from(settings.DEFAULT_FROM_EMAIL, settings.DIGEST_LIST_ID)

    def build(self, to, msgid, preferences_url, unsubscribe_url, date):
        """The message bytes for one recipient: headers, a text part and an HTML part."""
        mailto = f"mailto:{settings.DIGEST_UNSUBSCRIBE_MAILTO}?subject=unsubscribe"
        headers = [
            f"From: {self.from_header}",
            f"To: {to}",
            f"Subject: {self.subject}",
            f"Date: {date}",
            f"Message-ID: {msgid}",
            "MIME-Version: 1.0",
            f"List-Unsubscribe: <{unsubscribe_url}>,\r\n <{mailto}>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            "Auto-Submitted: auto-generated",
            f'Content-Type: multipart/alternative; boundary="{self.boundary}"',
        ]
        if self.list_id:
            headers.insert(5, f"List-Id: {self.list_id}")
        if "\r" in to or "\n" in to:
            raise ValueError(f"Refusing a recipient with a line break: {to!r}")
        boundary = self.boundary.encode()
        part_head = (
            b'Content-Type: text/%s; charset="utf-8"\r\n'
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        )
        return b"".join(
            [
                "\r\n".join(headers).encode("ascii"),
                b"\r\n\r\nThis is a multi-part message in MIME format.\r\n--",
                boundary,
                b"\r\n",
                part_head % b"plain",
                fill(self.text_segments, preferences_url, unsubscribe_url),
                b"\r\n--",
                boundary,
                b"\r\n",
                part_head % b"html",
                fill(self.html_segments, preferences_url, unsubscribe_url),
                b"\r\n--",
                boundary,
                b"--\r\n",
            ]
        )


@functools.lru_cache
def encode_from(value, cache_key=None):
    name, address = email.utils.parseaddr(value)
    if name and not name.isascii():
        name = Header(name, "utf-8").encode()
    return email.utils.formataddr((name, address)) if name else address


def personal_context():
    return {
        "site_url": settings.SITE_URL,
        "desk_tz": settings.DESK_TIME_ZONE,
        "preferences_url": PREFERENCES_PLACEHOLDER,
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
    }


def render(template, context, subject, list_id=None):
    context = {**context, **personal_context()}
    text = render_to_string(f"digests/email/{template}.txt", context)
    html = render_to_string(f"digests/email/{template}.html", context)
    return Rendered(subject, text, html, list_id=list_id)


class DigestRenderer:
    """Renders each briefing, each dossier heading and the frame once; a digest is then joined.

    Subscribers with different follows get different selections of the same few dozen
    briefings, so rendering per selection would repeat the same work thousands of times.
    """

    def __init__(self, kind):
        self.kind = kind
        self.items = {}
        self.headings = {}
        context = {
            "kind": kind,
            "count_phrase": COUNT_PLACEHOLDER,
            "lead_headline": LEAD_PLACEHOLDER,
            "body": BODY_PLACEHOLDER,
            **personal_context(),
        }
        self.frame = {
            fmt: render_to_string(f"digests/email/digest.{fmt}", context) for fmt in FORMATS
        }

    def fragment(self, cache, key, template, context):
        if key not in cache:
            context = {**context, "desk_tz": settings.DESK_TIME_ZONE}
            html, text = (
                render_to_string(f"digests/email/_{template}.{fmt}", context) for fmt in FORMATS
            )
            cache[key] = {"html": html, "txt": "\n" + text.strip("\n") + "\n"}
        return cache[key]

    def render(self, briefings):
        lead, count = briefings[0], len(briefings)
        parts = {fmt: [] for fmt in FORMATS}
        for group in group_by_dossier(briefings):
            key = group["dossier"].pk if group["dossier"] else None
            heading = self.fragment(self.headings, key, "dossier", {"group": group})
            for fmt in FORMATS:
                parts[fmt].append(heading[fmt])
            for briefing in group["briefings"]:
                item = self.fragment(self.items, briefing.pk, "briefing", {"b": briefing})
                for fmt in FORMATS:
                    parts[fmt].append(item[fmt])
        phrase = f"{count} new briefing{'s' if count != 1 else ''}"
        lead_text = {"html": escape(lead.headline), "txt": lead.headline}
        content = {
            fmt: self.frame[fmt]
            .replace(COUNT_PLACEHOLDER, phrase)
            .replace(LEAD_PLACEHOLDER, lead_text[fmt])
            .replace(BODY_PLACEHOLDER, "".join(parts[fmt]))
            for fmt in FORMATS
        }
        subject = (
            f"{lead.headline} — and {count - 1} more briefing{'s' if count > 2 else ''}"
            if count > 1
            else lead.headline
        )
        return Rendered(subject, content["txt"], content["html"], list_id=settings.DIGEST_LIST_ID)


def render_digest(edition_kind, briefings):
    return DigestRenderer(edition_kind).render(briefings)


def render_alert(briefing):
    subject = f"Alert: {briefing.headline}"
    context = {"briefing": briefing, "groups": group_by_dossier([briefing])}
    return render("alert", context, subject, list_id=settings.DIGEST_LIST_ID)


@functools.lru_cache
def link_template(view, site_url):
    return site_url + reverse(f"digests:{view}", kwargs={"token": "TOKEN"})


def personal_links(subscriber_id):
    """Absolute preferences and one-click unsubscribe URLs for a subscriber id.

    The same URLs as `Subscriber.get_absolute_url()` and `unsubscribe_url()`, without building
    a model instance and resolving a URL twice per recipient.
    """
    return tuple(
        link_template(view, settings.SITE_URL).replace(
            "TOKEN", signer(salt).sign(str(subscriber_id))
        )
        for view, salt in (("preferences", PREFERENCES_SALT), ("unsubscribe", UNSUBSCRIBE_SALT))
    )


@functools.lru_cache
def signer(salt):
    return signing.Signer(salt=salt)


def now_header():
    return email.utils.format_datetime(timezone.now())


class TemporaryFailure(Exception):
    """The server said try later (4xx) or could not be reached: the message may be retried."""


class PermanentFailure(Exception):
    """The server refused the message for good (5xx)."""


class Postman:
    """One SMTP connection for a batch of messages, refusals sorted into temporary and permanent."""

    def __init__(self):
        self.backend = mailers.default

    def __enter__(self):
        try:
            self.backend.open()
        except OSError as exc:
            raise TemporaryFailure(f"SMTP server unreachable: {exc}") from exc
        return self

    def __exit__(self, *exc_info):
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self.backend.close()

    def send(self, to, data):
        envelope_from = sender_address()
        try:
            if self.backend.connection is None:
                self.backend.open()
            smtp = self.backend.connection
            smtp.ehlo_or_helo_if_needed()
            if smtp.has_extn("pipelining"):
                pipelined(smtp, envelope_from, to, data)
            else:
                smtp.sendmail(envelope_from, [to], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = exc.recipients.get(to, (450, b"refused"))
            raise classify(code, reason) from exc
        except smtplib.SMTPResponseException as exc:
            raise classify(exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.backend.connection = None
            raise TemporaryFailure(f"SMTP connection lost: {exc}") from exc


def pipelined(smtp, sender, to, data):
    """MAIL, RCPT and DATA in one write (RFC 2920): two round trips a message instead of four."""
    smtp.send(f"MAIL FROM:<{sender}>\r\nRCPT TO:<{to}>\r\nDATA\r\n")
    (mail_code, mail_reply), (rcpt_code, rcpt_reply), (data_code, data_reply) = (
        smtp.getreply(),
        smtp.getreply(),
        smtp.getreply(),
    )
    accepted = mail_code == 250 and rcpt_code in (250, 251)
    if data_code == 354 and not accepted:
        smtp.send(b".\r\n")  # a lax server opened DATA anyway: close it empty
        smtp.getreply()
    if not accepted or data_code != 354:
        smtp.rset()
        if mail_code != 250:
            raise smtplib.SMTPSenderRefused(mail_code, mail_reply, sender)
        if rcpt_code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({to: (rcpt_code, rcpt_reply)})
        raise smtplib.SMTPDataError(data_code, data_reply)
    payload = smtplib._quote_periods(data)
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    smtp.send(payload + b".\r\n")
    code, reply = smtp.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def classify(code, reason):
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    text = f"{code} {reason}"
    return PermanentFailure(text) if 500 <= code < 600 else TemporaryFailure(text)


def send_confirmation(subscriber_id, token):
    """The double opt-in email: the only one an unconfirmed address ever gets."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.state == Subscriber.State.SUPPRESSED:
        return
    context = {
        "confirm_url": absolute(reverse("digests:confirm", kwargs={"token": token})),
        "already": subscriber.state == Subscriber.State.CONFIRMED,
        "preferences_url": absolute(subscriber.get_absolute_url()),
        "hours": settings.DIGEST_CONFIRM_MAX_AGE // 3600,
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        "Confirm your Briefing Desk email subscription",
        render_to_string("digests/email/confirm.txt", context),
        to=[subscriber.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("digests/email/confirm.html", context), "text/html")
    message.send()
