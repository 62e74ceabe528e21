"""Bylines name contributors, and author pages show their published work."""

import json
import re

import pytest
from django.urls import reverse

from briefings.newsroom.models import Contributor
from tests.factories import (
    BriefingFactory,
    ContributorFactory,
    DraftFactory,
    UserFactory,
    add_byline,
    writer,
)

pytestmark = pytest.mark.django_db


def jsonld(response):
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(blocks[0])


def test_a_login_is_never_a_byline(client, admin_client):
    """The bug: a user with no full name showed as "editor" on the page and in JSON-LD."""
    login = UserFactory(username="editor", first_name="", last_name="", groups=["editor"])
    named = ContributorFactory(name="Hélène Marchand", slug="helene-marchand", user=login)
    briefing = BriefingFactory(slug="pact")
    add_byline(briefing, named)
    page = client.get("/en/briefings/pact/")
    text = page.content.decode()
    assert ">Hélène Marchand</a>" in text and ">editor<" not in text
    assert jsonld(page)["author"][0]["name"] == "Hélène Marchand"
    # The byline widget offers contributors (the named writers), not logins.
    choices = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "newsroom",
            "model_name": "byline",
            "field_name": "contributor",
            "term": "Mar",
        },
    ).json()
    assert [r["text"] for r in choices["results"]] == ["Hélène Marchand"]


def test_new_briefing_preselects_the_writers_own_contributor(client):
    author = writer()
    own = ContributorFactory(user=author, name="Daniel Okafor")
    client.force_login(author)
    form = client.get(reverse("admin:newsroom_briefing_add")).content.decode()
    assert re.search(rf'<option value="{own.pk}" selected>Daniel Okafor</option>', form)


def test_author_page_lists_published_work_with_bio_feed_and_person(client, settings):
    ana = ContributorFactory(
        name="Ana Ferreira",
        slug="ana-ferreira",
        role="NATO correspondent",
        bio="Ana covers the alliance from Brussels.",
        links="https://ana.example/\nhttps://social.example/@ana",
    )
    for n in range(25):
        add_byline(BriefingFactory(headline=f"Briefing by Ana {n}"), ana)
    add_byline(DraftFactory(headline="Secret draft by Ana"), ana)
    page = client.get("/en/contributors/ana-ferreira/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "NATO correspondent" in text and "Ana covers the alliance" in text
    assert "Secret draft" not in text
    assert text.count('class="card"') == 20 and "Page 1 of 2" in text
    assert 'href="/en/contributors/ana-ferreira/rss/"' in text
    person = jsonld(page)
    assert person["@type"] == "Person" and person["jobTitle"] == "NATO correspondent"
    assert person["url"] == f"{settings.SITE_URL}/en/contributors/ana-ferreira/"
    assert person["sameAs"] == ["https://ana.example/", "https://social.example/@ana"]
    feed = client.get("/en/contributors/ana-ferreira/rss/").content.decode()
    assert feed.count("<item>") == 25 and "Secret draft" not in feed
    assert "Ana Ferreira" in feed  # the items' author
    assert (
        client.get("/en/contributors/ana-ferreira/?page=2").content.decode().count('class="card"')
        == 5
    )


def test_a_contributor_with_only_unpublished_work_has_no_page(client):
    hidden = ContributorFactory(slug="new-hire")
    add_byline(DraftFactory(), hidden)
    assert client.get("/en/contributors/new-hire/").status_code == 404
    assert client.get("/en/contributors/new-hire/atom/").status_code == 404
    assert client.get("/en/contributors/nobody/").status_code == 404


def test_cards_show_bylines_in_order(client):
    briefing = BriefingFactory(headline="Two hands")
    add_byline(briefing, ContributorFactory(name="B Second"), ContributorFactory(name="A First"))
    home = client.get("/en/briefings/").content.decode()
    assert re.search(r">B Second</a> and <a[^>]*>A First</a>", home)  # byline order kept


def test_links_must_be_web_addresses():
    contributor = ContributorFactory.build(links="javascript:alert(1)\nhttps://ok.example/")
    with pytest.raises(Exception, match="web address"):
        contributor.full_clean()
    assert Contributor.objects.count() == 0
