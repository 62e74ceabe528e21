"""The public briefing pages: what a reader sees, and what they never see."""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.utils import timezone

from briefings.newsroom.models import Briefing
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    ContributorFactory,
    CorrectionFactory,
    DraftFactory,
    EventFactory,
    KeyFigureFactory,
    SourceFactory,
    UserFactory,
    add_byline,
)

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def html(response):
    return response.content.decode()


def jsonld(response):
    block = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', html(response), re.S
    ).group(1)
    return json.loads(block)


def unpublished_briefings():
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    return {
        "draft": DraftFactory(slug="a-draft"),
        "review": DraftFactory(slug="in-review", status=Briefing.Status.REVIEW),
        "scheduled": BriefingFactory(
            slug="scheduled", status=Briefing.Status.SCHEDULED, publish_at=now + hour
        ),
        "expired": BriefingFactory(
            slug="expired", publish_at=now - 2 * hour, expires_at=now - hour
        ),
    }


def test_briefing_page_shows_everything_a_reader_needs(client):
    author = UserFactory(first_name="Ana", last_name="Ferreira")
    briefing = BriefingFactory(
        headline="Canada and the EU sign a defence pact",
        slug="pact",
        dek="A first for a country in the Americas.",
        body="Carney called it **a hinge moment in history**.",
        tags=["defence", "Canada"],
        publish_at=datetime.datetime(2025, 6, 23, 12, 30, tzinfo=datetime.UTC),
    )
    add_byline(briefing, author)
    actor = ActorFactory(name="António Costa", slug="antonio-costa")
    agreement = AgreementFactory(title="EU–Canada Security and Defence Partnership", slug="p")
    event = EventFactory(title="EU–Canada summit", slug="summit")
    briefing.actors.add(actor)
    briefing.agreements.add(agreement)
    briefing.events.add(event)
    KeyFigureFactory(briefing=briefing, label="SAFE fund", value="€150 billion")
    SourceFactory(briefing=briefing, title="Joint statement", url="https://example.org/s")
    CorrectionFactory(briefing=briefing, text="An earlier version misnamed the summit.")
    related = BriefingFactory(headline="What SAFE means for Ottawa", tags=["defence"])
    unrelated = BriefingFactory(headline="Nothing in common")

    page = html(client.get("/en/briefings/pact/"))

    assert '<h1 id="briefing-title">Canada and the EU sign a defence pact</h1>' in page
    assert "A first for a country in the Americas." in page
    assert "Ana Ferreira" in page
    # Shown on the desk's clock (Brussels, UTC+2 in June), day first.
    assert "23 June 2025, 14:30 CEST" in page
    assert "<strong>a hinge moment in history</strong>" in page
    assert "€150 billion" in page and "Key figures" in page
    assert 'href="https://example.org/s"' in page
    assert "An earlier version misnamed the summit." in page
    assert "António Costa" in page and 'href="/en/actors/antonio-costa/"' in page
    assert 'href="/en/agreements/p/"' in page and 'href="/en/events/summit/"' in page
    assert 'href="/en/tags/defence/"' in page
    assert related.headline in page
    assert unrelated.headline not in page
    assert '<meta property="og:type" content="article">' in page


def test_news_article_json_ld(client, settings):
    briefing = BriefingFactory(headline="Pact signed", slug="pact", tags=["defence"])
    add_byline(briefing, ContributorFactory(name="Ana Ferreira", slug="ana-ferreira"))
    briefing.agreements.add(AgreementFactory(title="The pact", slug="the-pact"))
    CorrectionFactory(briefing=briefing, text="Date fixed.")

    data = jsonld(client.get("/en/briefings/pact/"))

    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Pact signed"
    assert data["url"] == f"{settings.SITE_URL}/en/briefings/pact/"
    published = datetime.datetime.fromisoformat(data["datePublished"])
    assert published == briefing.publish_at.replace(microsecond=0)
    assert published.utcoffset() in (datetime.timedelta(hours=1), datetime.timedelta(hours=2))
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Ana Ferreira",
            "url": f"{settings.SITE_URL}/en/contributors/ana-ferreira/",
        }
    ]
    assert data["publisher"]["name"] == "Briefing Desk"
    assert data["about"][0]["name"] == "The pact"
    assert data["correction"][0]["text"] == "Date fixed."


def test_json_ld_cannot_break_out_of_its_script_element(client):
    BriefingFactory(headline="</script><script>alert(1)</script>", slug="evil", dek=XSS)

    response = client.get("/en/briefings/evil/")

    page = html(response)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert "<" not in block.group(1) and ">" not in block.group(1)
    assert jsonld(response)["headline"] == "</script><script>alert(1)</script>"


def test_hostile_text_is_rendered_inert(client):
    briefing = BriefingFactory(slug="xss", headline=XSS, dek=XSS, body=XSS, tags=[XSS])
    KeyFigureFactory(briefing=briefing, label=XSS, value="<b>1</b>", unit=XSS)
    CorrectionFactory(briefing=briefing, text=XSS)

    page = html(client.get("/en/briefings/xss/"))

    assert "<script>alert" not in page
    assert not re.search(r"<img[^>]*onerror", page)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


@pytest.mark.parametrize("state", ["draft", "review", "scheduled", "expired"])
def test_unpublished_briefings_are_not_found(client, state):
    briefing = unpublished_briefings()[state]

    response = client.get(briefing.get_absolute_url())

    assert response.status_code == 404
    assert briefing.headline not in html(response)
    assert "We could not find that page" in html(response)


def test_withdrawn_briefing_is_gone_with_its_note(client):
    BriefingFactory(
        slug="withdrawn",
        headline="A headline we regret",
        status=Briefing.Status.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawal_note="Withdrawn: it relied on a document that proved inauthentic.",
    )

    response = client.get("/en/briefings/withdrawn/")

    assert response.status_code == 410
    assert "relied on a document that proved inauthentic" in html(response)
    assert "A headline we regret" not in html(response)
    assert '<meta name="robots" content="noindex">' in html(response)


def test_lists_show_only_published_briefings(client):
    hidden = unpublished_briefings()
    shown = BriefingFactory(headline="The published one")

    for url in ["/en/", "/en/briefings/"]:
        page = html(client.get(url))
        assert shown.headline in page
        for briefing in hidden.values():
            assert briefing.headline not in page


def test_briefing_list_filters(client):
    actor = ActorFactory(slug="canada")
    agreement = AgreementFactory(slug="ceta")
    BriefingFactory(headline="Tagged trade", tags=["trade"])
    about_actor = BriefingFactory(headline="About Canada")
    about_actor.actors.add(actor)
    about_agreement = BriefingFactory(headline="About CETA", article_type="analysis")
    about_agreement.agreements.add(agreement)

    def headlines(query):
        return {b.headline for b in client.get(f"/en/briefings/?{query}").context["page"]}

    assert headlines("tag=trade") == {"Tagged trade"}
    assert headlines("actor=canada") == {"About Canada"}
    assert headlines("agreement=ceta") == {"About CETA"}
    assert headlines("type=analysis") == {"About CETA"}
    assert headlines("agreement=ceta&type=news") == set()


@pytest.mark.parametrize(
    "query", ["tag=nope", "actor=nope", "agreement=nope", "type=opinion", "type=%3Cscript%3E"]
)
def test_unknown_filters_are_not_found(client, query):
    assert client.get(f"/en/briefings/?{query}").status_code == 404


def test_briefing_list_paginates(client):
    BriefingFactory.create_batch(25)

    first = client.get("/en/briefings/")
    last = client.get("/en/briefings/?page=2")
    beyond = client.get("/en/briefings/?page=999")
    garbage = client.get("/en/briefings/?page=abc")

    assert len(first.context["page"].object_list) == 20
    assert len(last.context["page"].object_list) == 5
    assert 'rel="next" href="?page=2"' in html(first)
    assert beyond.context["page"].number == 2
    assert garbage.context["page"].number == 1


def test_tag_page_and_counts_see_only_published_briefings(client):
    BriefingFactory(headline="Public on defence", tags=["defence"])
    DraftFactory(headline="Draft on defence", tags=["defence", "secret-topic"])

    page = html(client.get("/en/tags/defence/"))
    home = html(client.get("/en/"))
    listing = html(client.get("/en/briefings/"))

    assert "Public on defence" in page and "Draft on defence" not in page
    assert client.get("/en/tags/secret-topic/").status_code == 404
    assert client.get("/en/briefings/?tag=secret-topic").status_code == 404
    for other in (home, listing):
        assert "secret-topic" not in other
        assert 'defence <span class="count">1</span>' in other


def test_robots_txt_and_favicon(client, settings):
    robots = client.get("/robots.txt")
    favicon = client.get("/favicon.ico")

    assert robots["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in html(robots)
    assert "Disallow: /admin/" in html(robots)
    assert favicon.status_code == 301 and favicon["Location"].endswith("favicon.ico")


def sitemaps(client):
    """The sitemap index and every sitemap it names, as one text."""
    index = html(client.get("/sitemap.xml"))
    sections = re.findall(r"<loc>https?://[^/<]+(/sitemap-[^<]+\.xml(?:\?p=\d+)?)</loc>", index)
    assert "/sitemap-briefings.xml" in sections, index
    return index + "".join(html(client.get(path)) for path in sections)


def test_sitemap_lists_published_briefings_only(client, settings):
    shown = BriefingFactory(slug="shown", tags=["visible-tag"])
    hidden = unpublished_briefings()
    DraftFactory(tags=["draft-only-tag"])
    actor = ActorFactory(slug="canada")

    xml = sitemaps(client)

    assert f"<loc>{settings.SITE_URL}{shown.get_absolute_url()}</loc>" in xml
    assert f"<loc>{settings.SITE_URL}/en/tags/visible-tag/</loc>" in xml
    assert f"<loc>{settings.SITE_URL}{actor.get_absolute_url()}</loc>" in xml
    assert "draft-only-tag" not in xml
    for briefing in hidden.values():
        assert briefing.slug not in xml


def test_unknown_page_gets_the_custom_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "We could not find that page" in html(response)


def test_server_error_page_renders_without_context(client, settings):
    from briefings.site.views.pages import server_error

    response = server_error(None)

    assert response.status_code == 500
    assert "Something went wrong on our side" in html(response)


def test_topics_come_from_the_latest_briefings(client, monkeypatch):
    monkeypatch.setattr("briefings.newsroom.models.briefing.TOPIC_WINDOW", 1)
    BriefingFactory(tags=["old-topic"], publish_at=timezone.now() - datetime.timedelta(days=2))
    BriefingFactory(tags=["new-topic"])

    home = html(client.get("/en/"))

    assert 'new-topic <span class="count">1</span>' in home
    assert 'old-topic <span class="count">' not in home


def test_topic_index_files_public_topics_under_their_letters(client):
    BriefingFactory(tags=["Défense", "defence", "2025 summit", "arctic", XSS])
    BriefingFactory(tags=["defence"])
    DraftFactory(tags=["defence", "drafted topic", "Zanzibar"])

    index = html(client.get("/en/tags/"))
    under_d = html(client.get("/en/tags/?letter=d"))
    under_hash = html(client.get("/en/tags/?letter=%23"))

    for letter in ("A", "D", "%23"):
        assert f'href="/en/tags/?letter={letter}"' in index
    assert 'href="/en/tags/?letter=Z"' not in index  # only a draft's topic starts with Z
    assert 'defence <span class="count">2</span>' in under_d
    assert 'Défense <span class="count">1</span>' in under_d
    assert "arctic" not in under_d and "2025 summit" in under_hash
    for page in (index, under_d, under_hash):
        assert "drafted topic" not in page and "Zanzibar" not in page
        assert "<script>alert" not in page
    assert 'aria-current="page">D</a>' in under_d
    assert 'href="/en/tags/"' in html(client.get("/en/")) and 'href="/en/tags/"' in html(
        client.get("/en/briefings/")
    )


@pytest.mark.parametrize("letter", ["dd", "é", "1"])
def test_topic_index_refuses_unknown_letters(client, letter):
    assert client.get(f"/en/tags/?letter={letter}").status_code == 404


def test_an_accented_topic_has_working_pages_everywhere(client):
    """taggit keeps the letters of a slug (“Québec” → “québec”); a route that took only ASCII
    slugs broke every page that linked to such a topic."""
    briefing = BriefingFactory(headline="Ottawa, Québec and the pact", tags=["Québec"])
    link = 'href="/en/tags/qu%C3%A9bec/"'

    for url in ("/en/", "/en/briefings/", briefing.get_absolute_url(), "/en/tags/?letter=Q"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert link in html(response), url
    topic = client.get("/en/tags/québec/")
    assert topic.status_code == 200 and "Ottawa, Québec and the pact" in html(topic)
    for feed in ("/en/tags/québec/rss/", "/en/tags/québec/atom/"):
        assert "Ottawa, Québec and the pact" in html(client.get(feed))
    assert "/en/tags/qu%C3%A9bec/</loc>" in html(client.get("/sitemap-tags.xml"))
    assert client.get("/en/briefings/?tag=québec").status_code == 200
    follow = html(client.get("/en/subscribe/?tag=québec"))
    assert '<input type="checkbox" name="tags" value="québec" id="id_tags_0" checked>' in follow


def test_a_long_briefing_opens_with_its_contents_and_share_tools(client):
    briefing = BriefingFactory(
        slug="long-read",
        headline='Pact & "partners" <b>',
        body="Lede.\n\n## Scope\n\ntext\n\n## Scope\n\n### Who "
        + XSS
        + "pays\n\n## "
        + XSS
        + "\n\n## Money",
    )
    KeyFigureFactory(briefing=briefing, label="SAFE fund", value="€150 billion")
    page = html(client.get(briefing.get_absolute_url()))
    nav = re.search(r'<nav class="toc" aria-labelledby="toc-title">.*?</nav>', page, re.S)[0]
    assert "In this briefing" in nav
    assert re.findall(r'href="#([^"]+)"', nav) == [
        "sec-scope",
        "sec-scope-2",
        "sec-who-pays",
        "sec-money",
    ]
    assert 'id="sec-section"' in page  # the emptied subhead keeps an id, but is not listed
    for anchor in re.findall(r'href="#([^"]+)"', nav):
        assert page.count(f'id="{anchor}"') == 1
    assert "<script>alert" not in page and "<img src=x" not in page
    # Key figures come before the body in the markup: a phone shows them after the lede.
    assert page.index('class="key-figures"') < page.index('class="briefing-body"')
    url = settings.SITE_URL + "/en/briefings/long-read/"
    tools = re.search(r'<div class="share-tools".*?</div>', page, re.S)[0]
    assert f'data-share-url="{url}"' in tools
    assert 'data-share-title="Pact &amp; &quot;partners&quot; &lt;b&gt;"' in tools
    encoded = url.replace(":", "%3A").replace("/", "%2F")
    assert f"mailto:?subject=Pact%20%26%20%22partners%22%20%3Cb%3E&amp;body={encoded}" in tools
    assert f"linkedin.com/sharing/share-offsite/?url={encoded}" in tools
    assert "<script" not in tools and "onclick" not in page
    assert re.search(r'<script src="[^"]*js/share\.[^"]*js" defer>', page)


def test_a_short_briefing_has_no_contents(client):
    briefing = BriefingFactory(body="Lede.\n\n## One\n\n## Two")
    page = html(client.get(briefing.get_absolute_url()))
    assert 'class="toc"' not in page and 'id="sec-one"' in page


def test_the_page_gives_a_reading_time_from_the_body(client):
    long = BriefingFactory(body="## Where it stands\n\n" + "word " * 690)
    short = BriefingFactory(body="A short note.")
    assert "3 min read" in client.get(long.get_absolute_url()).content.decode()
    assert "1 min read" in client.get(short.get_absolute_url()).content.decode()
