"""The desk's emails: rendered once per distinct content, personalised by string, sent over SMTP.

Building an `EmailMultiAlternatives` per recipient costs more than rendering the digest, so a
digest is rendered once for every subscriber who gets the same briefings, with placeholders
for the personal links, and each recipient's message is assembled from pre-encoded pieces.
"""

import binascii
import contextlib
import email.utils
import secrets
import smtplib
from dataclasses import dataclass, field
from email.header import Header

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from briefings.digests.models import Subscriber
from briefings.newsroom.models import Briefing, TaggedBriefing

PREFERENCES_PLACEHOLDER = "@@PREFERENCES_URL@@"
UNSUBSCRIBE_PLACEHOLDER = "@@UNSUBSCRIBE_URL@@"


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def sender_address():
    return email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


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
        agreements = sorted(briefing.agreements.all(), key=lambda a: a.pk)
        dossier = agreements[0] if agreements else None
        groups.setdefault(dossier.pk if dossier else None, (dossier, []))[1].append(briefing)
        briefing.email_url = absolute(briefing.get_absolute_url())
    return [
        {
            "dossier": dossier,
            "url": absolute(dossier.get_absolute_url()) if dossier else None,
            "briefings": items,
        }
        for dossier, items in groups.values()
    ]


def encode_header(value):
    value = one_line(value)
    if value.isascii() and len(value) < 900:
        return value
    return Header(value, "utf-8", maxlinelen=76).encode(linesep="\r\n")


def qp(text):
    """Quoted-printable body with CRLF line ends, as SMTP wants it."""
    text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return binascii.b2a_qp(text.encode("utf-8"), istext=True)


class Rendered:
    """One email's content, shared by every recipient of the same briefings."""

    def __init__(self, subject, text, html, list_id=None):
        self.subject = encode_header(subject)
        self.text = text
        self.html = html
        self.list_id = list_id
        self.boundary = f"=_desk_{secrets.token_hex(12)}"
        self.from_header = encode_from(settings.DEFAULT_FROM_EMAIL)

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
        text = self.text.replace(PREFERENCES_PLACEHOLDER, preferences_url).replace(
            UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url
        )
        html = self.html.replace(PREFERENCES_PLACEHOLDER, preferences_url).replace(
            UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url
        )
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
                qp(text),
                b"\r\n--",
                boundary,
                b"\r\n",
                part_head % b"html",
                qp(html),
                b"\r\n--",
                boundary,
                b"--\r\n",
            ]
        )


def encode_from(value):
    name, address = email.utils.parseaddr(value)
    if name and not name.isascii():
        name = Header(name, "utf-8").encode()
    return email.utils.formataddr((name, address)) if name else address


def render(template, context, subject, list_id=None):
    context = {
        **context,
        "site_url": settings.SITE_URL,
        "desk_tz": settings.DESK_TIME_ZONE,
        "preferences_url": PREFERENCES_PLACEHOLDER,
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
    }
    text = render_to_string(f"digests/email/{template}.txt", context)
    html = render_to_string(f"digests/email/{template}.html", context)
    return Rendered(subject, text, html, list_id=list_id)


def render_digest(edition_kind, briefings):
    lead = briefings[0]
    count = len(briefings)
    subject = (
        f"{lead.headline} — and {count - 1} more briefing{'s' if count > 2 else ''}"
        if count > 1
        else lead.headline
    )
    context = {
        "kind": edition_kind,
        "lead": lead,
        "count": count,
        "groups": group_by_dossier(briefings),
    }
    return render("digest", context, subject, list_id=settings.DIGEST_LIST_ID)


def render_alert(briefing):
    subject = f"Alert: {briefing.headline}"
    context = {"briefing": briefing, "groups": group_by_dossier([briefing])}
    return render("alert", context, subject, list_id=settings.DIGEST_LIST_ID)


def personal_links(subscriber_id):
    """Absolute preferences and one-click unsubscribe URLs for a subscriber id."""
    subscriber = Subscriber(pk=subscriber_id)
    return absolute(subscriber.get_absolute_url()), absolute(subscriber.unsubscribe_url())


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
            self.backend.connection.sendmail(envelope_from, [to], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = exc.recipients.get(to, (450, b"refused"))
            raise classify(code, reason) from exc
        except smtplib.SMTPResponseException as exc:
            raise classify(exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.backend.connection = None
            raise TemporaryFailure(f"SMTP connection lost: {exc}") from exc


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
