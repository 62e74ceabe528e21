"""RSS and Atom feeds: published briefings only, per tag, actor and agreement, with corrections."""

import xml.etree.ElementTree as ET

import pytest

from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    CorrectionFactory,
    DraftFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def rss_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return [i.findtext("title") for i in ET.fromstring(response.content).iter("item")]


def atom_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]


@pytest.fixture
def briefings():
    canada = ActorFactory(slug="canada")
    ceta = AgreementFactory(slug="ceta")
    on_everything = BriefingFactory(headline="Defence and trade", tags=["defence"])
    on_everything.actors.add(canada)
    on_everything.agreements.add(ceta)
    BriefingFactory(headline="Only trade", tags=["trade"])
    draft = DraftFactory(headline="Secret draft", tags=["defence"])
    draft.actors.add(canada)
    draft.agreements.add(ceta)


@pytest.mark.parametrize(
    "path,expected",
    [
        ("/feeds/", ["Only trade", "Defence and trade"]),
        ("/tags/defence/", ["Defence and trade"]),
        ("/actors/canada/", ["Defence and trade"]),
        ("/agreements/ceta/", ["Defence and trade"]),
    ],
)
def test_feeds_list_published_briefings_only(client, briefings, path, expected):
    assert rss_titles(client, f"{path}rss/") == expected
    assert atom_titles(client, f"{path}atom/") == expected


def test_feed_items_carry_byline_tags_and_corrections(client):
    briefing = BriefingFactory(headline="Pact signed", tags=["defence"], dek="Short summary.")
    briefing.authors.add(UserFactory(first_name="Ana", last_name="Ferreira"))
    CorrectionFactory(briefing=briefing, text="The summit date was wrong.")

    item = ET.fromstring(client.get("/feeds/rss/").content).find("channel/item")
    entry = ET.fromstring(client.get("/feeds/atom/").content).find(f"{ATOM}entry")

    assert item.findtext("category") == "defence"
    assert "The summit date was wrong." in item.findtext("description")
    assert "Short summary." in item.findtext("description")
    # The dek and a link, not the body: the full text stays on the page, beside its sources.
    assert briefing.body[:40] not in item.findtext("description")
    assert f'{briefing.get_absolute_url()}">Read the full briefing' in item.findtext("description")
    assert item.findtext("link").endswith(briefing.get_absolute_url())
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Ana Ferreira"


def test_feeds_are_announced_on_pages(client):
    BriefingFactory(tags=["defence"])
    ActorFactory(slug="canada")

    home = client.get("/").content.decode()
    tag = client.get("/tags/defence/").content.decode()
    actor = client.get("/actors/canada/").content.decode()

    assert 'rel="alternate" type="application/rss+xml"' in home and 'href="/feeds/rss/"' in home
    assert 'href="/tags/defence/rss/"' in tag and 'href="/tags/defence/atom/"' in tag
    assert 'href="/actors/canada/rss/"' in actor


def test_a_tag_only_drafts_use_has_no_feed(client):
    DraftFactory(tags=["embargoed"])

    assert client.get("/tags/embargoed/rss/").status_code == 404
    assert client.get("/tags/nope/atom/").status_code == 404
    assert client.get("/actors/nope/rss/").status_code == 404


def test_hostile_headline_is_escaped_in_feeds(client):
    BriefingFactory(headline="<script>alert(1)</script> & co", body="<img src=x onerror=alert(1)>")

    rss = client.get("/feeds/rss/").content.decode()

    assert "<script>alert(1)</script>" not in rss
    assert ET.fromstring(rss).find("channel/item/title").text == "<script>alert(1)</script> & co"
    assert "onerror" not in ET.fromstring(rss).find("channel/item/description").text
