import threading
from html.parser import HTMLParser

import pytest
from django.db import connection, transaction
from django.urls import reverse

from briefings.newsroom.models import Briefing, EditConflict
from tests.factories import DraftFactory, add_byline, editor


class FormData(HTMLParser):
    """The values a browser would submit from the admin's change form, read from its HTML."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data, self.textarea = form_id, False, {}, None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.setdefault(attrs["name"], []).append(attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.data[self.textarea] = [""]
        elif tag == "select":
            self.select = attrs["name"]
            self.data.setdefault(self.select, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select].append(attrs.get("value", ""))

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            # Browsers drop the newline Django puts after <textarea>.
            self.data[self.textarea][0] = self.data[self.textarea][0].removeprefix("\n")
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def form_data(response, **changes):
    parser = FormData("briefing_form")
    parser.feed(response.content.decode())
    data = {name: values for name, values in parser.data.items()}
    for name, value in changes.items():
        data[name] = [value] if isinstance(value, str) else value
    data["_continue"] = ["Save and continue editing"]
    return data


def change_url(briefing):
    return reverse("admin:newsroom_briefing_change", args=[briefing.pk])


@pytest.fixture
def two_editors(client, django_user_model):
    from django.test import Client

    alice, bob = editor(first_name="Alice", last_name="Martin"), editor(first_name="Bob")
    client.force_login(alice)
    other = Client()
    other.force_login(bob)
    return client, other, alice, bob


@pytest.mark.django_db
def test_a_save_from_an_old_version_is_refused_and_nothing_typed_is_lost(two_editors):
    alice_client, bob_client, alice, bob = two_editors
    briefing = DraftFactory(headline="Pact signed in Brussels", body="First draft.")
    add_byline(briefing, alice)
    url = change_url(briefing)
    alice_form, bob_form = alice_client.get(url), bob_client.get(url)
    assert alice_form.status_code == bob_form.status_code == 200

    saved = alice_client.post(url, form_data(alice_form, headline="Pact signed at the summit"))
    assert saved.status_code == 302

    bob_text = "Bob's long paragraph <b>typed</b> while Alice saved."
    refused = bob_client.post(url, form_data(bob_form, body=bob_text))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "changed by someone else" in page
    assert "Someone else saved this briefing while you were editing" in page
    assert "Pact signed at the summit" in page  # their change, shown in the diff
    assert "Bob&#x27;s long paragraph &lt;b&gt;typed&lt;/b&gt; while Alice saved." in page
    briefing.refresh_from_db()
    assert (briefing.headline, briefing.body) == ("Pact signed at the summit", "First draft.")

    # Saving again after reading their change is deliberate, and goes through.
    again = bob_client.post(url, form_data(refused))
    assert again.status_code == 302
    briefing.refresh_from_db()
    assert briefing.body == bob_text
    assert briefing.headline == "Pact signed in Brussels"  # Bob's form still had his headline
    assert [r.created_by for r in briefing.revisions.all()] == [bob, alice]


@pytest.mark.django_db
def test_a_transition_after_the_form_opened_makes_its_save_conflict(two_editors):
    alice_client, _, alice, _ = two_editors
    briefing = DraftFactory()
    form = alice_client.get(change_url(briefing))
    briefing.transition(Briefing.Status.REVIEW, by=alice)
    refused = alice_client.post(change_url(briefing), form_data(form, dek="A new dek."))
    assert refused.status_code == 200
    assert "changed by someone else" in refused.content.decode()
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.REVIEW
    assert briefing.dek != "A new dek."


@pytest.mark.django_db
def test_a_bulk_action_after_the_form_opened_makes_its_save_conflict(two_editors):
    alice_client, bob_client, _, _ = two_editors
    briefing = DraftFactory(status=Briefing.Status.REVIEW)
    form = alice_client.get(change_url(briefing))
    changelist = reverse("admin:newsroom_briefing_changelist")
    response = bob_client.post(
        changelist, {"action": "publish_now", "_selected_action": [briefing.pk]}
    )
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED
    refused = alice_client.post(change_url(briefing), form_data(form, headline="Alice's title"))
    assert "changed by someone else" in refused.content.decode()
    briefing.refresh_from_db()
    assert briefing.headline != "Alice's title"
    assert briefing.status == Briefing.Status.PUBLISHED


@pytest.mark.django_db
def test_scheduling_from_a_stale_version_is_refused():
    briefing = DraftFactory()
    stale = briefing.version
    Briefing.objects.filter(pk=briefing.pk).update(version=stale + 1)
    with pytest.raises(EditConflict):
        briefing.transition(Briefing.Status.PUBLISHED, by=editor(), expected_version=stale)
    assert Briefing.objects.get(pk=briefing.pk).status == Briefing.Status.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize("to", ["review", "scheduled", "published"])
def test_a_workflow_button_from_a_stale_page_is_refused(two_editors, to):
    import datetime

    from django.utils import timezone

    alice_client = two_editors[0]
    briefing = DraftFactory()
    stale = briefing.version
    briefing.headline = "Edited in another tab"
    briefing.version += 1
    briefing.save()
    when = timezone.localtime(timezone.now() + datetime.timedelta(hours=2))
    response = alice_client.post(
        reverse("admin:newsroom_briefing_transition", args=[briefing.pk]),
        {"to": to, "version": stale, "publish_at": when.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    briefing.refresh_from_db()
    assert (briefing.status, briefing.version) == (Briefing.Status.DRAFT, stale + 1)
    assert not briefing.transitions.exists()


@pytest.mark.django_db(transaction=True)
def test_two_near_simultaneous_saves_from_one_version_let_exactly_one_through():
    briefing = DraftFactory()
    start, barrier, outcomes = briefing.version, threading.Barrier(2), []

    def save(text):
        try:
            with transaction.atomic():
                row = Briefing.objects.get(pk=briefing.pk)
                barrier.wait(timeout=10)
                row.check_version(start)
                row.body = text
                row.version += 1
                row.save()
            outcomes.append(("saved", text))
        except EditConflict:
            outcomes.append(("refused", text))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(text,)) for text in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(kind for kind, _ in outcomes) == ["refused", "saved"]
    winner = next(text for kind, text in outcomes if kind == "saved")
    briefing.refresh_from_db()
    assert (briefing.body, briefing.version) == (winner, start + 1)


@pytest.mark.django_db
def test_presence_shows_who_else_has_the_briefing_open(two_editors):
    alice_client, bob_client, _, _ = two_editors
    briefing = DraftFactory()
    url = reverse("admin:newsroom_briefing_presence", args=[briefing.pk])
    assert alice_client.get(url).status_code == 405
    assert alice_client.post(url).json() == {"others": []}
    assert bob_client.post(url).json() == {"others": ["Alice Martin"]}
    page = bob_client.get(change_url(briefing)).content.decode()
    assert "Also open by:" in page and "Alice Martin" in page
    assert "admin/js/presence.js" in page


@pytest.mark.django_db
def test_presence_forgets_someone_who_stopped_pinging(two_editors):
    from django.core.cache import cache

    alice_client, bob_client, alice, _ = two_editors
    briefing = DraftFactory()
    url = reverse("admin:newsroom_briefing_presence", args=[briefing.pk])
    alice_client.post(url)
    key = f"presence:briefing:{briefing.pk}"
    seen = cache.get(key)
    name, expires = seen[alice.pk]
    seen[alice.pk] = (name, expires - 46)  # Alice closed her tab 46 seconds ago
    cache.set(key, seen, 60)
    assert bob_client.post(url).json() == {"others": []}
