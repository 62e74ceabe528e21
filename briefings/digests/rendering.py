"""Templates to content: each digest, alert and confirmation, with its subscriber's links.

A digest is rendered once for every subscriber who gets the same briefings in the same
language, with slots where the personal links go (see `mime`); `personal_links` gives the
values to fill them with. Everything is rendered under its reader's language: the words, the
dates and every link to the site (reverse() then gives that language's pages).
"""

import functools
import secrets

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from briefings.agreements.statuschange import status_label
from briefings.digests import mime
from briefings.digests.models import PREFERENCES_SALT, UNSUBSCRIBE_SALT, Subscriber
from briefings.images.models import RATIOS
from briefings.newsroom.models import Briefing

# Where the digest frame takes what changes per selection of briefings; secret like the slots.
_NONCE = secrets.token_hex(8)
COUNT_PLACEHOLDER = f"@@{_NONCE}:COUNT@@"
LEAD_PLACEHOLDER = f"@@{_NONCE}:LEAD@@"
BODY_PLACEHOLDER = f"@@{_NONCE}:BODY@@"
FORMATS = ("html", "txt")


EMAIL_IMAGE_WIDTH = 544  # the 600-px column less its padding


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def link(briefing):
    """Set the briefing's `email_url`: its address under the reader's prefix (an original in
    another language redirects there to its own), worked out once per briefing and language
    (an untranslated original goes out in every language)."""
    urls = briefing.__dict__.setdefault("email_urls", {})
    language = translation.get_language()
    if language not in urls:
        urls[language] = absolute(reverse("newsroom:detail", kwargs={"slug": briefing.slug}))
    briefing.email_url = urls[language]
    return briefing


def group_by_dossier(briefings):
    """Briefings grouped under their first agreement, groups in order of their newest briefing."""
    groups = {}
    for briefing in briefings:
        if not hasattr(briefing, "dossier"):  # worked out once per briefing, not per digest
            agreements = sorted(briefing.agreements.all(), key=lambda a: a.pk)
            briefing.dossier = agreements[0] if agreements else None
            briefing.email_image = email_image(briefing.lead_image)
        link(briefing)
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


def email_image(image, width=EMAIL_IMAGE_WIDTH):
    """A lead image as mail clients take it: an absolute JPEG address (public once the briefing
    is), shown at the column's width, with its alt text for clients that block images."""
    if image is None:
        return None
    ratio = image.rendition_size(RATIOS["wide"], 960)
    return {
        "url": image.absolute_url("wide-960.jpeg"),
        "width": width,
        "height": round(width * ratio[1] / ratio[0]),
        "alt": image.alt_text_i18n,
        "credit": image.credit_line,
    }


def personal_context():
    return {
        "site_url": settings.SITE_URL,
        "desk_tz": settings.DESK_TIME_ZONE,
        "preferences_url": mime.PREFERENCES_SLOT,
        "unsubscribe_url": mime.UNSUBSCRIBE_SLOT,
        "reason_slot": mime.REASON_SLOT,
    }


def render(template, context, subject, list_id=None):
    """An email in the active language."""
    context = {**context, **personal_context()}
    text = render_to_string(f"digests/email/{template}.txt", context)
    html = render_to_string(f"digests/email/{template}.html", context)
    return mime.PreparedMessage(subject, text, html, list_id=list_id)


class DigestRenderer:
    """Renders each briefing, each dossier heading and the frame once; a digest is then joined.

    Subscribers with different follows get different selections of the same few dozen
    briefings, so rendering per selection would repeat the same work thousands of times.
    One renderer speaks one language.
    """

    def __init__(self, kind, edition=None, language=settings.LANGUAGE_CODE):
        self.kind = kind
        self.language = language
        self.items = {}
        self.headings = {}
        with translation.override(language):
            context = {
                "kind": kind,
                "count_phrase": COUNT_PLACEHOLDER,
                "lead_headline": LEAD_PLACEHOLDER,
                "body": BODY_PLACEHOLDER,
                "web_url": edition and absolute(edition.get_absolute_url()),
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
        with translation.override(self.language):
            return self.render_now(briefings)

    def render_now(self, briefings):
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
        phrase = ngettext("%(count)s new briefing", "%(count)s new briefings", count) % {
            "count": count
        }
        lead_text = {"html": escape(lead.headline), "txt": lead.headline}
        content = {
            fmt: self.frame[fmt]
            .replace(COUNT_PLACEHOLDER, phrase)
            .replace(LEAD_PLACEHOLDER, lead_text[fmt])
            .replace(BODY_PLACEHOLDER, "".join(parts[fmt]))
            for fmt in FORMATS
        }
        subject = (
            ngettext(
                "%(headline)s — and %(count)s more briefing",
                "%(headline)s — and %(count)s more briefings",
                count - 1,
            )
            % {"headline": lead.headline, "count": count - 1}
            if count > 1
            else lead.headline
        )
        return mime.PreparedMessage(
            subject, content["txt"], content["html"], list_id=settings.DIGEST_LIST_ID
        )


def render_digest(edition_kind, briefings, language=settings.LANGUAGE_CODE):
    return DigestRenderer(edition_kind, language=language).render(briefings)


def render_alert(briefing, language=settings.LANGUAGE_CODE):
    with translation.override(language):
        subject = gettext("Alert: %(headline)s") % {"headline": briefing.headline}
        context = {"briefing": briefing, "groups": group_by_dossier([briefing])}
        return render("alert", context, subject, list_id=settings.DIGEST_LIST_ID)


STATUS_ALERT_BRIEFINGS = 5  # the desk's latest public briefings an alert links


def render_status_alert(batch, language=settings.LANGUAGE_CODE):
    """A party's status change, the editor's note and the desk's latest public briefings on it.

    Rendered when sent, not when recorded, and from `published()` only: a briefing withdrawn
    or still a draft in between is never linked. The briefings are those of the reader's
    language where translated, the originals otherwise.
    """
    with translation.override(language):
        return render_status_alert_now(batch, language)


def render_status_alert_now(batch, language):
    agreement = batch.agreement
    briefings = list(
        Briefing.objects.published()
        .for_language(language)
        .filter(agreements=agreement)
        .order_by("-publish_at", "-pk")[:STATUS_ALERT_BRIEFINGS]
    )
    for briefing in briefings:
        link(briefing)
    context = {
        "batch": batch,
        "agreement": agreement,
        "agreement_url": absolute(agreement.get_absolute_url()),
        "actor_name": batch.actor.short_name_i18n or batch.actor.name_i18n,
        "old_label": status_label(batch.old_status),
        "new_label": status_label(batch.new_status),
        "briefings": briefings,
        "recorded_in": settings.LANGUAGE_CODE,  # the headline and note, as the desk wrote them
    }
    subject = gettext("Alert: %(headline)s") % {"headline": batch.headline}
    return render("status_alert", context, subject, settings.DIGEST_LIST_ID)


@functools.lru_cache
def link_template(view, site_url, language):
    with translation.override(language):
        return site_url + reverse(f"digests:{view}", kwargs={"token": "TOKEN"})


@functools.lru_cache
def signer(salt):
    return signing.Signer(salt=salt)


def personal_links(subscriber_id, language=settings.LANGUAGE_CODE):
    """Absolute preferences and one-click unsubscribe URLs for a subscriber id, on the pages
    of their language.

    The same URLs as `Subscriber.get_absolute_url()` and `unsubscribe_url()`, without building
    a model instance and resolving a URL twice per recipient.
    """
    return tuple(
        link_template(view, settings.SITE_URL, language).replace(
            "TOKEN", signer(salt).sign(str(subscriber_id))
        )
        for view, salt in (("preferences", PREFERENCES_SALT), ("unsubscribe", UNSUBSCRIBE_SALT))
    )


def desk_languages():
    return [code for code, _name in settings.LANGUAGES]


def confirmation(subscriber, token, language=None):
    """The double opt-in email: one per request, so Django's own message class is fast enough.

    In the language the reader chose with this request (`language`), else their own.
    """
    if language not in desk_languages():
        language = subscriber.language
    with translation.override(language):
        context = {
            "confirm_url": absolute(reverse("digests:confirm", kwargs={"token": token})),
            "already": subscriber.state == Subscriber.State.CONFIRMED,
            "preferences_url": absolute(subscriber.get_absolute_url()),
            "hours": settings.DIGEST_CONFIRM_MAX_AGE // 3600,
            "site_url": settings.SITE_URL,
        }
        message = EmailMultiAlternatives(
            gettext("Confirm your Briefing Desk email subscription"),
            render_to_string("digests/email/confirm.txt", context),
            to=[subscriber.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        html = render_to_string("digests/email/confirm.html", context)
    message.attach_alternative(html, "text/html")
    return message


def welcome(subscriber):
    """The one welcome after confirming: what they follow, when email comes, how to leave.

    Its Message-ID is derived from the subscriber, so a resend after a crash folds into one.
    """
    preferences, unsubscribe = personal_links(subscriber.pk, subscriber.language)
    with subscriber.in_language():
        summary = subscriber.follows_summary()
        context = {
            "follow_all": subscriber.follow_all,
            "follows": summary,
            "schedule": subscriber.schedule_summary(),
            "preferences_url": preferences,
            "unsubscribe_url": unsubscribe,
            "archive_url": absolute(reverse("digest_archive:index")),
            "site_url": settings.SITE_URL,
        }
        mailto = f"mailto:{settings.DIGEST_UNSUBSCRIBE_MAILTO}?subject=unsubscribe"
        message = EmailMultiAlternatives(
            gettext("Welcome to Briefing Desk"),
            render_to_string("digests/email/welcome.txt", context),
            to=[subscriber.email],
            headers={
                "Auto-Submitted": "auto-generated",
                "Message-ID": mime.message_id("welcome", subscriber.pk, 0),
                "List-Id": settings.DIGEST_LIST_ID,
                "List-Unsubscribe": f"<{unsubscribe}>, <{mailto}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        html = render_to_string("digests/email/welcome.html", context)
    message.attach_alternative(html, "text/html")
    return message
