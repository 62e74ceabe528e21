"""Signing up, confirming, managing and leaving — and every way a request can be bad."""

import datetime
import re

import pytest
from django.core import signing
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from briefings.digests.models import CONFIRM_SALT, Subscriber, SupersededLink
from briefings.digests.tasks import purge_pending
from tests.digests.factories import SubscriberFactory
from tests.factories import ActorFactory, AgreementFactory, BriefingFactory, DraftFactory
from tests.support import wait_until

SUBSCRIBE = "/en/subscribe/"
CHOICES = {
    "follow_all": True,
    "frequency": "daily",
    "instant_alerts": False,
    "tags": [],
    "actors": [],
    "agreements": [],
}


def form(email="ana@mail.example", **extra):
    return {"email": email, "follow": "all", "frequency": "daily", **extra}


def confirm_link(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https://desk\.example(/(?:en|fr)/subscribe/confirm/\S+/)", text).group(1)


@pytest.mark.django_db
def test_subscribe_page_prefills_from_follow_button(client):
    BriefingFactory(tags=[Tag.objects.create(name="Defence", slug="defence")])
    AgreementFactory(slug="safe", title="SAFE")
    response = client.get(
        SUBSCRIBE, {"tag": "defence", "agreement": "safe", "email": "a@b.example"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'value="defence"[^>]*checked', html)
    assert re.search(r'value="safe"[^>]*checked', html)
    assert re.search(r'value="chosen"[^>]*checked', html)
    assert 'value="a@b.example"' in html


@pytest.mark.django_db
@pytest.mark.django_db
def test_topics_offered_are_only_those_readers_can_see(client):
    BriefingFactory(tags=[Tag.objects.create(name="Defence", slug="defence")])
    DraftFactory(tags=[Tag.objects.create(name="Embargoed topic", slug="embargoed-topic")])
    html = client.get(SUBSCRIBE, {"tag": "embargoed-topic"}).content.decode()
    assert 'value="defence"' in html
    assert "embargoed" not in html.lower()
    response = client.post(SUBSCRIBE, form(follow="chosen", tags=["embargoed-topic"]))
    assert response.status_code == 200
    assert not Subscriber.objects.exists()


def test_follow_button_and_box_render(client):
    button = render_to_string("site/digests/_follow_button.html", {"kind": "tag", "slug": "a&b"})
    assert 'href="/en/subscribe/?tag=a%26b"' in button
    box = render_to_string("site/digests/_subscribe_box.html")
    assert 'action="/en/subscribe/"' in box


def test_double_opt_in_sends_only_a_confirmation(client, smtp_server, celery_worker):
    tag = Tag.objects.create(name="Defence", slug="defence")
    BriefingFactory(tags=[tag])
    response = client.post(SUBSCRIBE, form(follow="chosen", tags=["defence"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("digests:check_inbox")
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "ana@mail.example"
    assert "Confirm" in message["Subject"]
    subscriber = Subscriber.objects.get()
    assert subscriber.state == Subscriber.State.PENDING
    assert list(subscriber.tags.all()) == [tag]

    link = confirm_link(message)
    page = client.get(link)
    assert page.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.PENDING  # a link scanner's GET confirms nothing
    response = client.post(link)
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.CONFIRMED
    assert not subscriber.follow_all
    assert list(subscriber.tags.all()) == [tag]
    assert response["Location"] == subscriber.get_absolute_url()
    assert "Subscription confirmed" in client.get(response["Location"]).content.decode()


def test_same_answer_whatever_the_address_history(client, smtp_server, celery_worker):
    """New, pending, confirmed and unsubscribed addresses all get the same response."""
    SubscriberFactory(email="confirmed@mail.example")
    SubscriberFactory(email="gone@mail.example", state=Subscriber.State.UNSUBSCRIBED)
    SubscriberFactory(email="bounced@mail.example", state=Subscriber.State.SUPPRESSED)
    bodies = set()
    for email in [
        "new@mail.example",
        "new@mail.example",
        "confirmed@mail.example",
        "gone@mail.example",
        "bounced@mail.example",
    ]:
        response = client.post(SUBSCRIBE, form(email), follow=True)
        assert response.status_code == 200
        bodies.add(response.content)
    assert len(bodies) == 1
    smtp_server.wait_for(4)
    assert len(smtp_server.to("new@mail.example")) == 2
    [already] = smtp_server.to("confirmed@mail.example")
    assert "already receives" in already.get_body(("plain",)).get_content()
    assert smtp_server.to("bounced@mail.example") == []
    # Nothing about the confirmed subscriber changed until they click.
    assert Subscriber.objects.get(email="confirmed@mail.example").follow_all
    assert Subscriber.objects.filter(email__iexact="new@mail.example").count() == 1


def test_resubscribing_reuses_the_record(client, smtp_server, celery_worker):
    agreement = AgreementFactory()
    gone = SubscriberFactory(email="gone@mail.example", state=Subscriber.State.UNSUBSCRIBED)
    client.post(SUBSCRIBE, form("Gone@Mail.example", follow="chosen", agreements=[agreement.slug]))
    [message] = smtp_server.wait_for(1)
    client.post(confirm_link(message))
    gone.refresh_from_db()
    assert gone.state == Subscriber.State.CONFIRMED
    assert list(gone.agreements.all()) == [agreement]
    assert Subscriber.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-address", "does not look like an email address"),
        ("a" * 250 + "@mail.example", "at most 254 characters"),
        ("ana@mail.example\r\nBcc: all@victims.example", "single line"),
        ("ana@mail.example\nSubject: hi", "single line"),
        ('"victim@example.org"@example.org', "without quotation marks"),
        ('"ana"@mail.example', "without quotation marks"),
        ('"a\\"b"@mail.example', "without quotation marks"),
        ("", "This field is required"),
    ],
)
def test_bad_addresses_are_refused_clearly(client, email, message):
    response = client.post(SUBSCRIBE, form(email))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_unknown_follows_are_refused_clearly(client):
    ActorFactory(slug="canada")
    response = client.post(
        SUBSCRIBE, form(follow="chosen", actors=["canada", "atlantis"], tags=["nope"])
    )
    html = response.content.decode()
    assert "We don&#x27;t know “atlantis”" in html
    assert "We don&#x27;t know “nope”" in html
    assert not Subscriber.objects.exists()
    response = client.post(SUBSCRIBE, form(follow="chosen"))
    assert "Choose at least one topic" in response.content.decode()
    response = client.post(SUBSCRIBE, form(frequency="hourly"))
    assert "Select a valid choice" in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_long_lists_offer_what_is_in_the_news_and_accept_anything(client, monkeypatch):
    monkeypatch.setattr("briefings.digests.forms.SHOWN", 3)
    covered = [ActorFactory(name=f"Covered {n}", slug=f"covered-{n}") for n in range(3)]
    BriefingFactory().actors.add(*covered)
    for n in range(10):
        ActorFactory(name=f"Quiet {n}", slug=f"quiet-{n}")

    html = client.get(SUBSCRIBE).content.decode()
    offered = re.findall(r'name="actors" value="([^"]+)"', html)
    assert offered == ["covered-0", "covered-1", "covered-2"]
    assert "use “Follow by email” on its page" in html

    html = client.get(SUBSCRIBE, {"actor": "quiet-7"}).content.decode()
    assert re.search(r'value="quiet-7"[^>]*checked', html)
    assert len(re.findall(r'name="actors"', html)) == 4

    response = client.post(SUBSCRIBE, form(follow="chosen", actors=["quiet-9"]))
    assert response.status_code == 302
    assert list(Subscriber.objects.get().actors.values_list("slug", flat=True)) == ["quiet-9"]


@pytest.mark.django_db
def test_xss_in_prefill_is_escaped(client):
    response = client.get(SUBSCRIBE, {"email": '"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["confirm", "preferences", "unsubscribe"])
def test_tampered_tokens_change_nothing(client, view):
    subscriber = SubscriberFactory(state=Subscriber.State.PENDING, confirmed_at=None)
    good = {
        "confirm": subscriber.confirmation_token(CHOICES),
        "preferences": subscriber.token("digests.preferences"),
        "unsubscribe": subscriber.token("digests.unsubscribe"),
    }[view]
    other_purpose = subscriber.token(
        "digests.preferences" if view != "preferences" else "digests.unsubscribe"
    )
    for token in [
        good[:-2] + "xx",
        "garbage",
        f"{subscriber.pk + 1}:{good.split(':')[-1]}",
        other_purpose,
    ]:
        url = reverse(f"digests:{view}", kwargs={"token": token})
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 400, (token, method)
            assert "This link is not valid" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.PENDING


@pytest.mark.django_db
def test_expired_confirmation_changes_nothing(client, settings):
    subscriber = SubscriberFactory(state=Subscriber.State.PENDING, confirmed_at=None)
    token = subscriber.confirmation_token(CHOICES)
    settings.DIGEST_CONFIRM_MAX_AGE = -1  # any age is now too old
    response = client.post(reverse("digests:confirm", kwargs={"token": token}))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.PENDING


@pytest.mark.django_db
def test_preferences_change_follows_and_pause(client):
    subscriber = SubscriberFactory()
    actor = ActorFactory(slug="canada")
    url = subscriber.get_absolute_url()
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"follow": "chosen", "actors": ["canada"], "frequency": "weekly", "paused": "on"},
    )
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert (subscriber.follow_all, subscriber.frequency, subscriber.paused) == (
        False,
        "weekly",
        True,
    )
    assert list(subscriber.actors.all()) == [actor]
    response = client.post(url, {"follow": "chosen", "actors": ["atlantis"], "frequency": "daily"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.frequency == "weekly"


@pytest.mark.django_db
def test_one_click_unsubscribe_needs_no_cookie_or_csrf():
    subscriber = SubscriberFactory()
    client = Client(enforce_csrf_checks=True)
    url = subscriber.unsubscribe_url()
    assert client.get(url).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.CONFIRMED  # GET only asks
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED
    assert client.post(url).status_code == 200  # repeating is harmless


def test_rate_limits_per_address_and_ip(client, smtp_server, celery_worker, settings):
    settings.DIGEST_RATE_PER_ADDRESS = (2, 3600)
    settings.DIGEST_RATE_PER_IP = (4, 3600)
    for _ in range(3):
        assert client.post(SUBSCRIBE, form("ana@mail.example")).status_code == 302
    smtp_server.wait_for(2)
    assert client.post(SUBSCRIBE, form("bo@mail.example")).status_code == 302
    smtp_server.wait_for(3)
    response = client.post(SUBSCRIBE, form("cy@mail.example"))
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not Subscriber.objects.filter(email="cy@mail.example").exists()
    other = client.post(SUBSCRIBE, form("cy@mail.example"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302
    wait_until(lambda: smtp_server.to("cy@mail.example"))
    assert len(smtp_server.to("ana@mail.example")) == 2


@pytest.mark.django_db
def test_purge_forgets_expired_pending(settings):
    old = timezone.now() - datetime.timedelta(seconds=settings.DIGEST_CONFIRM_MAX_AGE + 60)
    SubscriberFactory(state=Subscriber.State.PENDING, confirmed_at=None, created_at=old)
    fresh = SubscriberFactory(state=Subscriber.State.PENDING, confirmed_at=None)
    kept = SubscriberFactory(created_at=old)
    assert purge_pending() == 1
    assert set(Subscriber.objects.all()) == {fresh, kept}


@pytest.mark.django_db
def test_subscribe_and_preferences_pages_run_constant_queries(
    client, django_assert_max_num_queries
):
    def fill(n):
        for i in range(n):
            tag = Tag.objects.create(name=f"Topic {Tag.objects.count()}-{i}")
            BriefingFactory(tags=[tag])
            ActorFactory()
            AgreementFactory()

    subscriber = SubscriberFactory()
    preferences = subscriber.get_absolute_url()
    fill(2)
    for url in (SUBSCRIBE, preferences):
        with django_assert_max_num_queries(13) as few:
            assert client.get(url).status_code == 200
        fill(25)
        with django_assert_max_num_queries(len(few)):
            assert client.get(url).status_code == 200


def sign_up(client, monkeypatch, capture, email="ana@mail.example", **extra):
    """POST the sign-up form and return the confirmation link the email would carry."""
    sent = []
    monkeypatch.setattr(
        "briefings.digests.tasks.send_confirmation.delay",
        lambda pk, token: sent.append(token),
    )
    with capture(execute=True):
        response = client.post(SUBSCRIBE, form(email, **extra))
    assert response.status_code == 302
    [token] = sent
    return reverse("digests:confirm", kwargs={"token": token})


def assert_superseded(response):
    assert response.status_code == 410
    page = response.content.decode()
    assert "Link already used" in page
    assert "already used, or you unsubscribed after it was sent" in page
    assert "Nothing was changed." in page
    assert 'href="/en/subscribe/"' in page and "subscribe again" in page


@pytest.mark.django_db
def test_an_old_confirmation_link_does_not_undo_an_unsubscribe(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """The battery's case: confirm, one-click unsubscribe, replay the confirmation link."""
    link = sign_up(client, monkeypatch, django_capture_on_commit_callbacks)
    assert client.post(link).status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.state == Subscriber.State.CONFIRMED
    response = Client().post(subscriber.unsubscribe_url(), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200

    assert_superseded(client.get(link))
    assert_superseded(client.post(link))
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED
    assert not Subscriber.objects.receiving().exists()

    # Signing up again issues a fresh link, and that one works.
    fresh = sign_up(client, monkeypatch, django_capture_on_commit_callbacks)
    assert fresh != link
    assert client.post(fresh).status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.CONFIRMED
    assert_superseded(client.post(link))


@pytest.mark.django_db
def test_a_confirmation_link_works_once():
    client = Client()
    subscriber = SubscriberFactory(state=Subscriber.State.PENDING, confirmed_at=None)
    url = reverse("digests:confirm", kwargs={"token": subscriber.confirmation_token(CHOICES)})
    assert client.get(url).status_code == 200  # asking (a link scanner's GET) spends nothing
    assert client.post(url).status_code == 302
    subscriber.refresh_from_db()
    confirmed_at = subscriber.confirmed_at
    assert_superseded(client.get(url))
    assert_superseded(client.post(url))
    subscriber.refresh_from_db()
    assert (subscriber.state, subscriber.confirmed_at) == (
        Subscriber.State.CONFIRMED,
        confirmed_at,
    )


@pytest.mark.django_db
def test_using_one_link_supersedes_the_others_sent_before_it(client):
    subscriber = SubscriberFactory(state=Subscriber.State.PENDING, confirmed_at=None)
    weekly = {**CHOICES, "frequency": "weekly"}
    first = reverse("digests:confirm", kwargs={"token": subscriber.confirmation_token(CHOICES)})
    second = reverse("digests:confirm", kwargs={"token": subscriber.confirmation_token(weekly)})
    assert client.post(second).status_code == 302
    assert_superseded(client.post(first))
    subscriber.refresh_from_db()
    assert subscriber.frequency == "weekly"


@pytest.mark.django_db
def test_a_link_issued_before_an_unsubscribe_is_refused_even_unused(client):
    subscriber = SubscriberFactory(state=Subscriber.State.PENDING, confirmed_at=None)
    url = reverse("digests:confirm", kwargs={"token": subscriber.confirmation_token(CHOICES)})
    subscriber.unsubscribe()
    assert_superseded(client.post(url))
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED


@pytest.mark.django_db
def test_an_unsubscribe_in_the_middle_of_a_confirmation_wins():
    """The row is locked and re-read: a confirm racing an unsubscribe changes nothing."""
    subscriber = SubscriberFactory(state=Subscriber.State.PENDING, confirmed_at=None)
    token = subscriber.confirmation_token(CHOICES)
    found, choices = Subscriber.from_confirmation_token(token)
    Subscriber.objects.get(pk=subscriber.pk).unsubscribe()
    with pytest.raises(SupersededLink):
        found.confirm(choices)
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED


@pytest.mark.django_db
def test_a_link_from_before_generations_is_refused(client):
    """Links signed before they carried a generation cannot be told used or not: refused."""
    subscriber = SubscriberFactory(state=Subscriber.State.PENDING, confirmed_at=None)
    payload = {"s": subscriber.pk, "e": subscriber.email, "c": CHOICES}
    token = signing.dumps(payload, salt=CONFIRM_SALT, compress=True)
    assert_superseded(client.post(reverse("digests:confirm", kwargs={"token": token})))
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.PENDING


@pytest.mark.django_db
def test_behind_a_proxy_each_reader_has_their_own_bucket(client, settings):
    """The proxy (10.0.0.1) is every request's REMOTE_ADDR; X-Forwarded-For names the client."""
    settings.TRUSTED_PROXIES = 1
    settings.DIGEST_RATE_PER_IP = (3, 3600)

    def attempt(forwarded):
        bad = form("not-an-address")
        return client.post(SUBSCRIBE, bad, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert [attempt("203.0.113.9").status_code for _ in range(3)] == [200, 200, 200]
    assert attempt("203.0.113.9").status_code == 429
    # Prepending someone else's address changes nothing: the proxy's entry is the last one.
    assert attempt("198.51.100.7, 203.0.113.9").status_code == 429
    assert attempt("198.51.100.7").status_code == 200


@pytest.mark.django_db
def test_without_a_proxy_forwarded_for_is_ignored(client, settings):
    settings.TRUSTED_PROXIES = 0
    settings.DIGEST_RATE_PER_IP = (2, 3600)
    statuses = [
        client.post(
            SUBSCRIBE, form("nope"), REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=forged
        ).status_code
        for forged in ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
    ]
    assert statuses == [200, 200, 429]
    assert client.post(SUBSCRIBE, form("nope"), REMOTE_ADDR="203.0.113.10").status_code == 200
