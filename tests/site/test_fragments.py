"""Cached fragments change exactly when what they show changes, in the reader's language.

Each test renders the pages once (fragments stored), changes one object, empties the page
cache so the pages are rendered again from whatever fragments are still warm, and checks every
page shows the change.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from briefings.newsroom.models import Byline
from briefings.site.cache import EVERY_PAGE, purge_local
from tests.factories import (
    ActorFactory,
    BriefingFactory,
    ContributorFactory,
    CorrectionFactory,
    EventFactory,
    ImageFactory,
    KeyFigureFactory,
    OfficeFactory,
    OfficeTermFactory,
    PersonFactory,
    SourceFactory,
    add_byline,
)

pytestmark = pytest.mark.django_db

JUNE_23 = datetime.datetime(2025, 6, 23, 12, tzinfo=datetime.UTC)


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def rerendered(client, urls):
    """The pages rendered anew, from the fragments still cached."""
    purge_local([EVERY_PAGE])
    return {url: text(client, url) for url in urls}


@pytest.fixture
def listed(client):
    """A briefing on every kind of list: home (behind a newer lead), the list, its topic, its
    contributor, its actor, its event, and a neighbour's related briefings."""
    author = ContributorFactory(name="Ana Ferreira", slug="ana-ferreira")
    actor, event = ActorFactory(slug="canada"), EventFactory(slug="summit")
    briefing = BriefingFactory(
        headline="The first headline", slug="pact", tags=["defence"], publish_at=JUNE_23
    )
    neighbour = BriefingFactory(headline="Newer neighbour", slug="neighbour", tags=["defence"])
    for b in (briefing, neighbour):
        add_byline(b, author)
        b.actors.add(actor)
        b.events.add(event)
    urls = [
        "/en/",
        "/en/briefings/",
        "/en/tags/defence/",
        "/en/contributors/ana-ferreira/",
        "/en/actors/canada/",
        "/en/events/summit/",
        "/en/briefings/neighbour/",
    ]
    for url in urls:
        assert "The first headline" in text(client, url), url
    return briefing, urls


def test_an_edited_headline_changes_its_card_on_every_list(client, listed):
    briefing, urls = listed
    briefing.headline = "The second headline"
    briefing.save()

    for url, page in rerendered(client, urls).items():
        assert "The second headline" in page and "The first headline" not in page, url


def test_a_renamed_or_removed_contributor_changes_the_cards(client, listed):
    briefing, _ = listed
    lists = ["/en/briefings/", "/en/tags/defence/", "/en/actors/canada/"]
    second = ContributorFactory(name="Daniel Okafor", slug="daniel-okafor")
    add_byline(briefing, second)
    assert all("Daniel Okafor" in page for page in rerendered(client, lists).values())

    second.name = "Daniel O. Okafor"
    second.save()
    assert all("Daniel O. Okafor" in page for page in rerendered(client, lists).values())

    Byline.objects.filter(briefing=briefing, contributor=second).delete()
    for url, page in rerendered(client, lists).items():
        assert "Okafor" not in page, url


def test_a_renamed_or_removed_tag_changes_the_cards(client, listed):
    briefing, _ = listed
    lists = ["/en/", "/en/briefings/", "/en/contributors/ana-ferreira/", "/en/actors/canada/"]
    briefing.tags.add("sanctions")
    assert all('href="/en/tags/sanctions/"' in p for p in rerendered(client, lists).values())

    tag = Tag.objects.get(slug="sanctions")
    tag.name, tag.slug = "Trade sanctions", "trade-sanctions"
    tag.save()
    for url, page in rerendered(client, lists).items():
        assert "Trade sanctions" in page and 'href="/en/tags/trade-sanctions/"' in page, url

    briefing.tags.remove(tag)
    for url, page in rerendered(client, lists).items():
        assert "Trade sanctions" not in page, url


def test_a_changed_lead_image_changes_the_cards(client, listed):
    briefing, _ = listed
    image = ImageFactory(alt_text="Leaders on a stage")
    briefing.lead_image = image
    briefing.save()
    assert "Leaders on a stage" in rerendered(client, ["/en/briefings/"])["/en/briefings/"]

    image.alt_text = "Leaders shaking hands"
    image.save()
    page = rerendered(client, ["/en/briefings/"])["/en/briefings/"]
    assert "Leaders shaking hands" in page and "Leaders on a stage" not in page


def test_a_french_page_never_gets_an_english_card(client):
    BriefingFactory(
        headline="Only in English", slug="english", tags=["defence"], publish_at=JUNE_23
    )
    BriefingFactory(headline="Newer lead", slug="lead")
    english = text(client, "/en/briefings/")
    french = text(client, "/fr/briefings/")
    english_again, french_again = rerendered(client, ["/en/briefings/", "/fr/briefings/"]).values()

    for page in (english, english_again):
        assert "23 June 2025" in page and "in-language" not in page
    for page in (french, french_again):
        assert "23 juin 2025" in page and "en anglais" in page and 'lang="en"' in page
        assert "23 June 2025" not in page
    assert english == english_again and french == french_again


def test_an_article_shows_every_change_to_what_it_holds(client):
    briefing = BriefingFactory(headline="Pact", slug="pact")
    figure = KeyFigureFactory(briefing=briefing, label="SAFE fund", value="€150 billion")
    assert "SAFE fund" in text(client, "/en/briefings/pact/")

    figure.value = "€160 billion"
    figure.save()
    SourceFactory(briefing=briefing, title="Joint statement of the summit")
    CorrectionFactory(briefing=briefing, text="An earlier version misstated the fund.")
    page = rerendered(client, ["/en/briefings/pact/"])["/en/briefings/pact/"]
    assert "€160 billion" in page and "€150 billion" not in page
    assert "Joint statement of the summit" in page and "misstated the fund" in page

    figure.delete()
    page = rerendered(client, ["/en/briefings/pact/"])["/en/briefings/pact/"]
    assert "SAFE fund" not in page


def test_an_actors_offices_follow_their_terms_offices_and_holders(client):
    state = ActorFactory(name="Canada", slug="canada")
    person = PersonFactory(name="Mark Carney", slug="carney")
    office = OfficeFactory(organisation=state, title="Prime Minister of Canada", role="PM")
    term = OfficeTermFactory(office=office, person=person, start_date=datetime.date(2025, 3, 14))
    urls = ["/en/actors/canada/", "/en/actors/carney/", "/fr/actors/carney/"]
    pages = rerendered(client, urls)
    assert "Mark Carney" in pages["/en/actors/canada/"]
    assert "Prime Minister of Canada" in pages["/en/actors/carney/"]

    office.title, office.title_fr = "Prime Minister", "Premier ministre du Canada"
    office.save()
    pages = rerendered(client, urls)
    assert "Prime Minister of Canada" not in pages["/en/actors/carney/"]
    assert "Premier ministre du Canada" in pages["/fr/actors/carney/"]
    assert "Premier ministre" not in pages["/en/actors/carney/"]

    person.name = "Mark J. Carney"
    person.save()
    assert "Mark J. Carney" in rerendered(client, urls)["/en/actors/canada/"]

    term.end_date = datetime.date(2026, 1, 1)
    term.save()
    pages = rerendered(client, urls)
    assert "vacant" in pages["/en/actors/canada/"]
    assert "1 January 2026" in pages["/en/actors/carney/"]

    term.delete()
    pages = rerendered(client, urls)
    assert "Prime Minister" not in pages["/en/actors/carney/"]


def queries(client, url):
    purge_local([EVERY_PAGE])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url, saved",
    [
        ("/en/", 2),  # the cards' tags and bylines
        ("/en/briefings/", 2),
        ("/en/tags/defence/", 2),
        ("/en/briefings/neighbour/", 2),  # the related briefings' cards
        ("/en/actors/canada/", 5),  # cards, and the office terms, offices and their holders
    ],
)
def test_warm_fragments_spare_their_queries(client, url, saved):
    canada = ActorFactory(name="Canada", slug="canada")
    OfficeTermFactory(office=OfficeFactory(organisation=canada), person=PersonFactory())
    OfficeTermFactory(office=OfficeFactory(), person=PersonFactory())
    for n in range(5):
        briefing = BriefingFactory(slug="neighbour" if n == 0 else f"b-{n}", tags=["defence"])
        add_byline(briefing, ContributorFactory())
        briefing.actors.add(canada)
    cache.clear()
    text(client, "/en/tags/")  # the page cache's lifetime, asked once: no card on this page
    cold = queries(client, url)
    warm = queries(client, url)
    assert warm <= cold - saved, (cold, warm)
