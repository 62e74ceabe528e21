"""Briefings in two languages as readers get them: each version under its own prefix, linked to
the other once both are published, in lists, sitemaps and feeds for each language."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from briefings.newsroom.models import Briefing
from tests.factories import BriefingFactory, DraftFactory, KeyFigureFactory, editor

pytestmark = pytest.mark.django_db
XHTML = "{http://www.w3.org/1999/xhtml}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def html(response):
    return response.content.decode()


@pytest.fixture
def pact():
    english = BriefingFactory(
        headline="Canada and the EU sign a defence pact", slug="pact", language="en"
    )
    french = BriefingFactory(
        headline="Le Canada et l'UE signent un pacte de défense",
        slug="pacte",
        language="fr",
        translation_of=english,
    )
    return english, french


def path_in(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


# One address per version, under its own language -------------------------------------------


def test_each_version_lives_under_its_own_prefix(client, pact):
    english, french = pact
    assert english.get_absolute_url() == "/en/briefings/pact/"
    assert french.get_absolute_url() == "/fr/briefings/pacte/"
    assert client.get("/en/briefings/pact/").status_code == 200
    assert client.get("/fr/briefings/pacte/").status_code == 200


@pytest.mark.usefixtures("pact")
def test_the_other_prefix_redirects_permanently_to_the_versions_own(client):
    response = client.get("/en/briefings/pacte/")
    assert response.status_code == 301
    assert response["Location"] == "/fr/briefings/pacte/"
    response = client.get("/fr/briefings/pact/?utm_source=x")
    assert response.status_code == 301
    assert response["Location"] == "/en/briefings/pact/?utm_source=x"


def test_no_redirect_reveals_an_unpublished_version(client):
    draft = DraftFactory(slug="brouillon", language="fr")
    assert client.get("/en/briefings/brouillon/").status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404


# Links between the versions, only once both are public --------------------------------------


def test_both_pages_link_the_other_version(client, pact):
    english, french = pact
    page = html(client.get(english.get_absolute_url()))
    assert re.search(
        r'<a href="/fr/briefings/pacte/" hreflang="fr" lang="fr" rel="alternate">'
        r"Lire en français</a>",
        page,
    )
    # The <link rel="alternate" hreflang> tags are base.html's, drawn from `alternates`.

    page = html(client.get(french.get_absolute_url()))
    assert '<a href="/en/briefings/pact/" hreflang="en" lang="en" rel="alternate">' in page
    assert "Read in English</a>" in page


def test_the_response_names_each_published_version_in_its_context(client, pact):
    english, _ = pact
    response = client.get(english.get_absolute_url())
    assert response.context["alternates"] == {
        "en": "/en/briefings/pact/",
        "fr": "/fr/briefings/pacte/",
    }


@pytest.mark.parametrize("state", ["draft", "review", "scheduled", "withdrawn", "expired"])
def test_an_unpublished_version_is_never_linked(client, state):
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    english = BriefingFactory(slug="pact", language="en")
    states = {
        "draft": {"status": "draft", "publish_at": None},
        "review": {"status": "review", "publish_at": None},
        "scheduled": {"status": "scheduled", "publish_at": now + hour},
        "withdrawn": {"status": "withdrawn", "withdrawn_at": now, "publish_at": now - hour},
        "expired": {"publish_at": now - 2 * hour, "expires_at": now - hour},
    }
    BriefingFactory(slug="pacte-cache", language="fr", translation_of=english, **states[state])
    response = client.get(english.get_absolute_url())
    page = html(response)
    assert "pacte-cache" not in page
    assert "Lire en français" not in page
    assert '<link rel="alternate" hreflang="fr"' not in page
    assert response.context["alternates"] == {"en": "/en/briefings/pact/"}


def test_the_originals_warm_page_links_a_translation_once_it_is_published(client):
    english = BriefingFactory(slug="pact", language="en")
    french = DraftFactory(slug="pacte", language="fr", translation_of=english)
    assert "Lire en français" not in html(client.get(english.get_absolute_url()))
    assert "Lire en français" not in html(client.get(english.get_absolute_url()))  # cached

    french.transition(Briefing.Status.PUBLISHED, by=editor())

    assert "Lire en français" in html(client.get(english.get_absolute_url()))


def test_key_figures_print_in_the_pages_language(client, pact):
    english, french = pact
    KeyFigureFactory(briefing=english, value="€150 billion", amount=150, currency="EUR",
                     scale="billion")  # fmt: skip
    KeyFigureFactory(briefing=french, value="150 G€", amount=150, currency="EUR", scale="billion")
    assert "€150 billion" in html(client.get(english.get_absolute_url()))
    assert "150 milliards d&#x27;euros" in html(client.get(french.get_absolute_url()))


# Lists for each language's readers ----------------------------------------------------------


def test_lists_show_each_language_its_version_and_mark_the_other_language(client, pact):
    BriefingFactory(headline="English only", slug="english-only", language="en")
    BriefingFactory(headline="Seulement en français", slug="francais", language="fr")

    english_home = html(client.get("/en/"))
    assert "/en/briefings/pact/" in english_home and "/fr/briefings/pacte/" not in english_home
    assert re.search(
        r'<h3 class="[^"]+" lang="fr"><a href="/fr/briefings/francais/">', english_home
    )
    assert '<span class="in-language">in French</span>' in english_home

    french_home = html(client.get("/fr/"))
    assert "/fr/briefings/pacte/" in french_home and "/en/briefings/pact/" not in french_home
    assert re.search(
        r'<h3 class="[^"]+" lang="en"><a href="/en/briefings/english-only/">', french_home
    )
    assert '<span class="in-language">en anglais</span>' in french_home
    assert not re.search(r'lang="fr"><a href="/fr/briefings/pacte/"', french_home)

    for language, mine, other in (("en", "pact", "pacte"), ("fr", "pacte", "pact")):
        index = html(client.get(path_in(language, "newsroom:index")))
        assert f"/briefings/{mine}/" in index and f"/briefings/{other}/" not in index


def test_record_pages_list_each_languages_version(client, pact):
    from tests.factories import ActorFactory, ContributorFactory, add_byline

    actor = ActorFactory(slug="canada")
    writer = ContributorFactory(slug="ana")
    for version in pact:
        version.actors.add(actor)
        version.tags.add("defence")
        add_byline(version, writer)
    pages = {
        "actor": lambda lang: path_in(lang, "actors:detail", slug="canada"),
        "tag": lambda lang: path_in(lang, "tag", slug="defence"),
        "contributor": lambda lang: path_in(lang, "contributors:detail", slug="ana"),
    }
    for name, url in pages.items():
        en_page, fr_page = html(client.get(url("en"))), html(client.get(url("fr")))
        assert "/en/briefings/pact/" in en_page and "/fr/briefings/pacte/" not in en_page, name
        assert "/fr/briefings/pacte/" in fr_page and "/en/briefings/pact/" not in fr_page, name


# Sitemaps -----------------------------------------------------------------------------------


def sitemap_urls(client, section):
    root = ET.fromstring(client.get(f"/sitemap-{section}.xml").content)
    return {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
        }
        for url in root.iter(f"{SITEMAP}url")
    }


def test_the_briefing_sitemap_names_each_version_with_x_default(client, settings, pact):
    BriefingFactory(slug="alone", language="en")
    site = settings.SITE_URL
    DraftFactory(slug="entwurf", language="fr", translation_of=BriefingFactory(slug="draft-of"))

    urls = sitemap_urls(client, "briefings")

    group = {
        "en": f"{site}/en/briefings/pact/",
        "fr": f"{site}/fr/briefings/pacte/",
        "x-default": f"{site}/en/briefings/pact/",
    }
    assert urls[f"{site}/en/briefings/pact/"] == group
    assert urls[f"{site}/fr/briefings/pacte/"] == group
    assert urls[f"{site}/en/briefings/alone/"] == {}
    assert urls[f"{site}/en/briefings/draft-of/"] == {}  # its translation is a draft
    assert not [url for url in urls if "entwurf" in url]
    assert len(urls) == 4


def test_other_sitemaps_list_each_page_in_both_languages(client, settings, pact):
    from tests.factories import ActorFactory

    ActorFactory(slug="canada")
    site = settings.SITE_URL
    urls = sitemap_urls(client, "actors")
    expected = {
        "en": f"{site}/en/actors/canada/",
        "fr": f"{site}/fr/actors/canada/",
        "x-default": f"{site}/actors/canada/",
    }
    assert urls == {f"{site}/en/actors/canada/": expected, f"{site}/fr/actors/canada/": expected}
    sections = sitemap_urls(client, "sections")
    assert f"{site}/fr/agreements/" in sections and f"{site}/en/agreements/" in sections


# Feeds --------------------------------------------------------------------------------------


def test_each_language_has_its_feeds(client, pact):
    BriefingFactory(headline="English only", language="en")
    for language, title, description, headlines in (
        (
            "en",
            "Briefing Desk",
            "The latest briefings from the desk.",
            {"Canada and the EU sign a defence pact", "English only"},
        ),
        (
            "fr",
            "Briefing Desk",
            "Les derniers briefings de la rédaction.",
            {"Le Canada et l'UE signent un pacte de défense", "English only"},
        ),
    ):
        url = path_in(language, "feed_rss")
        assert url == f"/{language}/feeds/rss/"
        channel = ET.fromstring(client.get(url).content).find("channel")
        assert channel.findtext("language") == language
        assert channel.findtext("title") == title
        assert channel.findtext("description") == description
        assert {item.findtext("title") for item in channel.iter("item")} == headlines
        links = {item.findtext("link") for item in channel.iter("item")}
        assert any(
            link.endswith(f"/{language}/briefings/{'pact' if language == 'en' else 'pacte'}/")
            for link in links
        )

        atom = ET.fromstring(client.get(path_in(language, "feed_atom")).content)
        assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == language


def test_record_feeds_are_titled_in_their_language(client, pact):
    from tests.factories import ActorFactory

    _, french = pact
    actor = ActorFactory(name="Canada", slug="canada")
    for version in pact:
        version.actors.add(actor)
    channel = ET.fromstring(
        client.get(path_in("fr", "actor_feed_rss", slug="canada")).content
    ).find("channel")
    assert channel.findtext("description") == "Briefings consacrés à Canada."
    assert [i.findtext("title") for i in channel.iter("item")] == [french.headline]
