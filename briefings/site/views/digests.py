import datetime
import email
import email.policy
import functools
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from briefings.digests import ratelimits, tasks
from briefings.digests.forms import PreferencesForm, SubscribeForm
from briefings.digests.models import (
    PREFERENCES_SALT,
    UNSUBSCRIBE_SALT,
    Edition,
    Subscriber,
    SupersededLink,
)
from briefings.params import SLUG, TAG_SLUG, has_control, slug_list
from briefings.site import fragments
from briefings.site.cache import DIGESTS, LISTS, briefing_tags, public_page, tag_page

ARCHIVE_PAGE_SIZE = 30

INVALID_LINK = _(
    "This link is not valid: it may have been copied incompletely, or it has expired. "
    "Nothing was changed."
)

SUPERSEDED_LINK = _(
    "This confirmation link was already used, or you unsubscribed after it was sent, so it "
    "no longer works. Nothing was changed."
)


INVALID_TITLE = _("Link not valid")


def invalid_link(request, message=INVALID_LINK, title=INVALID_TITLE, status=400):
    return render(
        request,
        "site/digests/invalid_link.html",
        {"title": title, "message": message},
        status=status,
    )


def superseded_link(request):
    return invalid_link(request, SUPERSEDED_LINK, title=_("Link already used"), status=410)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """Sign up; the answer is the same whatever the address's history, so nothing leaks."""
    if request.method == "POST":
        if not ratelimits.allow_client("ip", request, *settings.DIGEST_RATE_PER_IP):
            response = render(
                request,
                "site/digests/rate_limited.html",
                {"title": gettext("Too many attempts")},
                status=429,
            )
            response["Retry-After"] = str(settings.DIGEST_RATE_PER_IP[1])
            return response
        form = SubscribeForm(request.POST)
        if form.is_valid():
            request_confirmation(form.cleaned_data["email"], form.choices())
            return redirect("digests:check_inbox")
    else:
        form = SubscribeForm(initial=prefill(request))
    context = {"form": form, "title": gettext("Email digests")}
    return render(request, "site/digests/subscribe.html", context)


def prefill(request):
    """Initial values from a follow button (?tag=, ?actor=, ?agreement=) or the subscribe box."""
    email = request.GET.get("email", "")[:254]
    initial = {"email": "" if has_control(email) else email}
    # A value that cannot be a slug cannot match: dropped before the query, like an unknown one.
    follows = {
        field: slug_list(request.GET.getlist(kind)[:20], pattern)
        for kind, field, pattern in (
            ("tag", "tags", TAG_SLUG),
            ("actor", "actors", SLUG),
            ("agreement", "agreements", SLUG),
        )
    }
    if any(follows.values()):
        form = SubscribeForm()
        for field, slugs in follows.items():
            queryset = form.fields[field].queryset
            initial[field] = list(queryset.filter(slug__in=slugs))
        if any(initial[field] for field in follows):
            initial["follow"] = "chosen"
    return initial


def request_confirmation(email, choices):
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        if subscriber is None:
            subscriber = Subscriber.objects.create(email=email, language=choices["language"])
            subscriber.apply_follows(choices)
        elif subscriber.state == Subscriber.State.PENDING:
            subscriber.apply_follows(choices)
        if subscriber.state == Subscriber.State.SUPPRESSED:
            return
        if not ratelimits.allow("address", email.lower(), *settings.DIGEST_RATE_PER_ADDRESS):
            return
        token = subscriber.confirmation_token(choices)
        language = choices["language"]  # the confirmation speaks the language just chosen
        transaction.on_commit(lambda: tasks.send_confirmation.delay(subscriber.pk, token, language))


@never_cache
def check_inbox(request):
    return render(request, "site/digests/check_inbox.html", {"title": gettext("Check your inbox")})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """GET asks, POST confirms: link scanners that fetch every URL confirm nothing."""
    try:
        found = Subscriber.from_confirmation_token(token)
    except SupersededLink:
        return superseded_link(request)
    if found is None:
        return invalid_link(request)
    subscriber, choices = found
    if request.method == "POST":
        try:
            started = subscriber.confirm(choices)
        except SupersededLink:
            return superseded_link(request)
        if started:
            transaction.on_commit(lambda: tasks.send_welcome.delay(subscriber.pk))
        messages.success(
            request, gettext("Subscription confirmed. You can change what you receive here.")
        )
        return redirect(subscriber.get_absolute_url())
    choices.setdefault("language", subscriber.language)  # a link from before the choice
    names = [t.name for t in choices["tags"]] + [a.name_i18n for a in choices["actors"]]
    names += [a.display_name for a in choices["agreements"]]
    context = {
        "subscriber": subscriber,
        "choices": choices,
        "follows": ", ".join(names),
        "title": gettext("Confirm your subscription"),
    }
    return render(request, "site/digests/confirm.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token):
    subscriber = Subscriber.from_token(token, PREFERENCES_SALT)
    if subscriber is None:
        return invalid_link(request)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid() and subscriber.state == Subscriber.State.CONFIRMED:
            subscriber.apply_follows(form.choices())
            subscriber.paused = form.cleaned_data["paused"]
            subscriber.save(update_fields=["paused"])
            messages.success(request, gettext("Your preferences are saved."))
            return redirect(subscriber.get_absolute_url())
    else:
        form = PreferencesForm(initial=PreferencesForm.initial_for(subscriber))
    context = {
        "form": form,
        "subscriber": subscriber,
        "unsubscribe_url": subscriber.unsubscribe_url(),
        "title": gettext("Your email preferences"),
    }
    return render(request, "site/digests/preferences.html", context)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """RFC 8058 one-click: a POST, with no cookie, login or CSRF token, unsubscribes at once."""
    subscriber = Subscriber.from_token(token, UNSUBSCRIBE_SALT)
    if subscriber is None:
        return invalid_link(request)
    if request.method == "POST":
        subscriber.unsubscribe()
        return render(
            request,
            "site/digests/unsubscribed.html",
            {
                "subscriber": subscriber,
                "title": gettext("Unsubscribed"),
                "resubscribe_url": reverse("digests:subscribe")
                + "?"
                + urlencode({"email": subscriber.email}),
            },
        )
    context = {"subscriber": subscriber, "title": gettext("Unsubscribe")}
    return render(request, "site/digests/unsubscribe.html", context)


@require_safe
@public_page
def archive(request):
    """Past editions, newest first: only those sent that still carry a public briefing."""
    editions = Edition.objects.archived().order_by("-period", "kind")
    page = Paginator(editions, ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    tag_page(request, DIGESTS, LISTS)
    return render(
        request,
        "site/digests/archive.html",
        {
            "page": page,
            "title": gettext("Past digests"),
            "description": gettext("Every digest the desk has sent, newest first, as published."),
            "nav": "digests",
        },
    )


@require_safe
@public_page
def edition(request, kind, period):
    """An edition's web version: what readers who follow everything got, still public now, in
    the page's language where translated (the originals otherwise)."""
    try:
        day = datetime.date.fromisoformat(period)
    except ValueError:
        raise Http404("No such edition.") from None
    found = get_object_or_404(Edition.objects.archived(), kind=kind, period=day)
    briefings = list(
        fragments.cards(found.public_briefings(get_language())).order_by("-publish_at", "-pk")
    )
    tag_page(request, DIGESTS, LISTS, *briefing_tags(briefings))
    return render(
        request,
        "site/digests/edition.html",
        {
            "edition": found,
            "briefings": briefings,
            "title": found.title(),
            "description": found.description(),
            "nav": "digests",
        },
    )


def dev_only(view):
    """The dev mailbox exists only with DEBUG on: it shows every message sent on this machine."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.DEBUG:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def mailbox_messages():
    folder = Path(settings.DEV_MAILBOX_DIR)
    files = sorted(folder.glob("*.eml"), reverse=True) if folder.is_dir() else []
    return files[:200]


def read_message(name):
    path = Path(settings.DEV_MAILBOX_DIR) / name
    if path.suffix != ".eml" or path.name != name or not path.is_file():
        raise Http404
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


@dev_only
def dev_mailbox(request):
    items = []
    for path in mailbox_messages():
        message = read_message(path.name)
        items.append(
            {
                "name": path.name,
                "subject": message["subject"],
                "to": message["to"],
                "date": message["date"],
            }
        )
    options = settings.MAILERS["default"].get("OPTIONS", {})
    context = {
        "items": items,
        "title": "Dev mailbox",
        "mail_address": f"{options.get('host', '127.0.0.1')}:{options.get('port', 25)}",
    }
    return render(request, "site/digests/dev_mailbox.html", context)


@dev_only
def dev_message(request, name):
    message = read_message(name)
    text = message.get_body(preferencelist=("plain",))
    context = {
        "name": name,
        "message": message,
        "headers": list(message.items()),
        "text": text.get_content() if text else "",
        "has_html": message.get_body(preferencelist=("html",)) is not None,
        "title": message["subject"],
    }
    return render(request, "site/digests/dev_message.html", context)


@dev_only
@xframe_options_sameorigin
def dev_message_html(request, name):
    """The HTML part as sent; links open in the top window, as a mail client would."""
    part = read_message(name).get_body(preferencelist=("html",))
    if part is None:
        raise Http404
    html = part.get_content().replace("<head>", '<head><base target="_top">', 1)
    response = HttpResponse(html)
    response["Content-Security-Policy"] = "script-src 'none'"
    return response
