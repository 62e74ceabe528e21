"""RSS and Atom feeds: published briefings only, per tag, actor and agreement, with corrections."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    CorrectionFactory,
    DraftFactory,
    UserFactory,
    add_byline,
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
        ("/en/feeds/", ["Only trade", "Defence and trade"]),
        ("/en/tags/defence/", ["Defence and trade"]),
        ("/en/actors/canada/", ["Defence and trade"]),
        ("/en/agreements/ceta/", ["Defence and trade"]),
    ],
)
def test_feeds_list_published_briefings_only(client, briefings, path, expected):
    assert rss_titles(client, f"{path}rss/") == expected
    assert atom_titles(client, f"{path}atom/") == expected


def test_feed_items_carry_byline_tags_and_corrections(client):
    briefing = BriefingFactory(headline="Pact signed", tags=["defence"], dek="Short summary.")
    add_byline(briefing, UserFactory(first_name="Ana", last_name="Ferreira"))
    CorrectionFactory(briefing=briefing, text="The summit date was wrong.")

    item = ET.fromstring(client.get("/en/feeds/rss/").content).find("channel/item")
    entry = ET.fromstring(client.get("/en/feeds/atom/").content).find(f"{ATOM}entry")

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

    home = client.get("/en/").content.decode()
    tag = client.get("/en/tags/defence/").content.decode()
    actor = client.get("/en/actors/canada/").content.decode()

    assert 'rel="alternate" type="application/rss+xml"' in home and 'href="/en/feeds/rss/"' in home
    assert 'href="/en/tags/defence/rss/"' in tag and 'href="/en/tags/defence/atom/"' in tag
    assert 'href="/en/actors/canada/rss/"' in actor


def test_a_tag_only_drafts_use_has_no_feed(client):
    DraftFactory(tags=["embargoed"])

    assert client.get("/en/tags/embargoed/rss/").status_code == 404
    assert client.get("/en/tags/nope/atom/").status_code == 404
    assert client.get("/en/actors/nope/rss/").status_code == 404


def test_hostile_headline_is_escaped_in_feeds(client):
    BriefingFactory(headline="<script>alert(1)</script> & co", body="<img src=x onerror=alert(1)>")

    rss = client.get("/en/feeds/rss/").content.decode()

    assert "<script>alert(1)</script>" not in rss
    assert ET.fromstring(rss).find("channel/item/title").text == "<script>alert(1)</script> & co"
    assert "onerror" not in ET.fromstring(rss).find("channel/item/description").text


HOSTILE_NAME = '"><svg onload=alert(1)> & <b>co</b>'


class ElementCounter(HTMLParser):
    """Counts the elements a reader would build if it rendered a text as HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = 0
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.elements += 1

    def handle_data(self, data):
        self.text += data


def rendered_as_html(text):
    parser = ElementCounter()
    parser.feed(text)
    parser.close()
    return parser.elements, parser.text


@pytest.fixture
def hostile_followables():
    """A tag, an actor and an agreement whose names are markup, each on a public briefing."""
    actor = ActorFactory(slug="hostile-actor", name=HOSTILE_NAME)
    agreement = AgreementFactory(slug="hostile-agreement", title=HOSTILE_NAME, short_name="")
    briefing = BriefingFactory(headline="A plain headline", tags=[HOSTILE_NAME])
    briefing.actors.add(actor)
    briefing.agreements.add(agreement)
    tag_slug = briefing.tags.get().slug
    return [
        f"/en/tags/{tag_slug}/",
        "/en/actors/hostile-actor/",
        "/en/agreements/hostile-agreement/",
    ]


def test_rss_channel_fields_are_escaped_as_item_html_is(client, hostile_followables):
    """Readers render channel descriptions (and often titles) as HTML, as item descriptions
    are: a name must arrive as text that renders as itself, building no element."""
    for path in hostile_followables:
        response = client.get(f"{path}rss/")
        assert response.status_code == 200, path
        assert "<svg" not in response.content.decode()
        channel = ET.fromstring(response.content).find("channel")
        for field in ("title", "description"):
            text = channel.findtext(field)  # XML-decoded: what a reader gets
            assert "<" not in text, (path, field, text)
            elements, shown = rendered_as_html(text)
            assert elements == 0, (path, field, text)
            assert HOSTILE_NAME in shown, (path, field, shown)


def test_atom_title_and_subtitle_stay_plain_text(client, hostile_followables):
    """Atom's title and subtitle are text constructs: the name as it is, escaped once by XML."""
    for path in hostile_followables:
        response = client.get(f"{path}atom/")
        assert response.status_code == 200, path
        assert "<svg" not in response.content.decode()
        root = ET.fromstring(response.content)
        for field in ("title", "subtitle"):
            element = root.find(f"{ATOM}{field}")
            assert element.get("type", "text") == "text", (path, field)
            assert HOSTILE_NAME in element.text, (path, field, element.text)


def test_the_site_feed_channel_reads_as_before(client):
    channel = ET.fromstring(client.get("/en/feeds/rss/").content).find("channel")
    assert channel.findtext("title") == "Briefing Desk"
    assert channel.findtext("description") == "The latest briefings from the desk."
