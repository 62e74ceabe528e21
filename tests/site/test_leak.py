"""Nothing unpublished reaches a public surface.

A unique canary is planted in briefings of every unpublished state, in every text a page could
show (headline, dek, body, tags, key figures, sources, corrections) and in their slugs. Published
briefings share their actors, agreements, events and a tag, so every listing, related list,
count, feed, search and sitemap that could pull the unpublished ones in is exercised. An anonymous
client then crawls the site breadth-first from its entry points, following every same-site link,
and no response body or header may carry the canary.

Two of the records are named with markup (HOSTILE), so the same crawl checks that no page or
feed turns a name into live HTML, RSS channel titles and descriptions included.
"""

import datetime
import io
import json
import re
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from briefings.digests.models import Delivery, Edition
from briefings.images.models import rendition_keys
from briefings.newsroom.models import Briefing
from tests.digests.factories import SubscriberFactory
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    ContributorFactory,
    CorrectionFactory,
    DraftFactory,
    EventFactory,
    ImageFactory,
    KeyFigureFactory,
    ParticipationFactory,
    PartyActionFactory,
    PartyFactory,
    PersonFactory,
    SourceFactory,
    add_byline,
    editor,
)

HOSTILE = '"><svg onload=alert(1)>'
SKIP_PREFIXES = ("/admin/", "/static/", "/media/")
XML_LINK = re.compile(r"<(?:loc|link|id)>\s*([^<\s]+)\s*</|<link[^>]*\bhref=\"([^\"]+)\"")


class LinkParser(HTMLParser):
    """Collects every href and src of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def extract_links(response):
    content_type = response.get("Content-Type", "")
    text = response.content.decode(response.charset or "utf-8", errors="replace")
    if "html" in content_type:
        parser = LinkParser()
        parser.feed(text)
        return parser.links
    if "xml" in content_type:
        return [a or b for a, b in XML_LINK.findall(text)]
    if "json" in content_type:  # the API: every address in it (urls of records, next pages)
        return [value for value in json_strings(json.loads(text)) if value.startswith("http")]
    return []


def json_strings(data):
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            yield from json_strings(item)
    elif isinstance(data, str):
        yield data


def same_site_path(base, link, hosts):
    """The path and query of `link` if it points into this site and is worth fetching."""
    url = urljoin(base, link.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc not in hosts:
        return None
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def readable(response):
    """A streamed download as a plain response with what it carries as its body: a ZIP's
    members unpacked, so the canary is looked for in the data, not in compressed bytes."""
    if not response.streaming:
        return response
    body = b"".join(response.streaming_content)
    if response.get("Content-Type") == "application/zip":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"\n".join(archive.read(name) for name in archive.namelist())
    plain = HttpResponse(body, status=response.status_code)
    for header, value in response.items():
        plain[header] = value
    return plain


def crawl(client, seeds, limit=800):
    """Fetch `seeds` and every same-site link found on the way, breadth-first.

    Returns {url: response} in visiting order, with `response.found_on` naming the page that
    linked to it (None for seeds). Redirects are recorded, then their target is queued.
    """
    hosts = {"testserver", urlsplit(settings.SITE_URL).netloc}
    queue = deque((seed, None) for seed in seeds)
    seen = {seed for seed in seeds}
    visited = {}
    while queue and len(visited) < limit:
        url, found_on = queue.popleft()
        response = readable(client.get(url))
        response.found_on = found_on
        visited[url] = response
        links = extract_links(response)
        if response.status_code in (301, 302, 303, 307, 308):
            links.append(response["Location"])
        base = "http://testserver" + url
        for link in links:
            path = same_site_path(base, link, hosts)
            if path and path not in seen:
                seen.add(path)
                queue.append((path, url))
    return visited


def page_kind(url):
    """'/en/actors/canada/rss/?page=2' -> '/en/actors/<slug>/rss/?page': a crawl summary's kinds."""
    path, _, query = url.partition("?")
    path = re.sub(
        r"^/((?:en|fr)/)?(briefings|actors|agreements|events|tags)/[^/]+/", r"/\1\2/<slug>/", path
    )
    names = sorted({pair.partition("=")[0] for pair in query.split("&") if pair})
    return path + ("?" + "&".join(names) if names else "")


def response_text(response):
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    return headers + "\n" + response.content.decode(response.charset or "utf-8", "replace")


def carries(response, canary, url):
    """Whether the response shows the canary, in any case (a slug is lower-cased).

    Pages answering a URL that holds the canary (a search for it) may echo it lower-cased, as
    typed; planted content is upper-case, so there only the exact case counts.
    """
    text = response_text(response)
    if canary.lower() in url.lower():
        return canary in text
    return canary.lower() in text.lower()


def plant(
    canary,
    state,
    *,
    actor,
    person,
    agreement,
    event,
    shared_tag,
    secret_word,
    bylines,
    translation_of=None,
):
    """One unpublished briefing of `state` with the canary everywhere a page could print it;
    with `translation_of`, an unpublished French translation of that (public) briefing."""
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    states = {
        "draft": {"status": Briefing.Status.DRAFT},
        "review": {"status": Briefing.Status.REVIEW},
        "scheduled": {"status": Briefing.Status.SCHEDULED, "publish_at": now + 24 * hour},
        "published-future": {"status": Briefing.Status.PUBLISHED, "publish_at": now + hour},
        "withdrawn": {
            "status": Briefing.Status.WITHDRAWN,
            "publish_at": now - 48 * hour,
            "first_published_at": now - 48 * hour,
            "withdrawn_at": now - hour,
            "withdrawal_note": "Withdrawn pending a legal review.",
        },
        "expired": {
            "status": Briefing.Status.PUBLISHED,
            "publish_at": now - 48 * hour,
            "first_published_at": now - 48 * hour,
            "expires_at": now - hour,
        },
    }
    french = {"language": "fr", "translation_of": translation_of} if translation_of else {}
    briefing = DraftFactory(
        headline=f"{canary} headline: the defence pact {state}",
        slug=f"{'fr-' if french else ''}{state}-{canary.lower()}",
        dek=f"{canary} dek about the defence pact and {secret_word}.",
        body=f"Body of the {state} briefing on the defence pact. {canary} {secret_word}.",
        **states[state],
        **french,
    )
    briefing.tags.add(shared_tag, canary, f"{canary} {state}")
    briefing.actors.add(actor, person)
    briefing.agreements.add(agreement)
    briefing.events.add(event)
    add_byline(briefing, *bylines)
    KeyFigureFactory(briefing=briefing, label=f"{canary} figure", value="€1 billion")
    SourceFactory(briefing=briefing, title=f"{canary} source", publisher=canary)
    CorrectionFactory(briefing=briefing, text=f"{canary} correction.")
    # Its own images, lead and in the body, with the canary in every text they carry.
    lead, inline = (
        ImageFactory(
            title=f"{canary} {use} image",
            alt_text=f"{canary} alt",
            caption=f"{canary} caption",
            credit=f"{canary} credit",
        )
        for use in ("lead", "body")
    )
    briefing.lead_image = lead
    briefing.body += f"\n\n![{canary} inline alt](image:{inline.pk})\n"
    briefing.save()
    return briefing


@pytest.fixture(scope="module")
def newsroom(module_media_root, django_db_setup, django_db_blocker):
    """The newsroom built once for the module's tests, in a transaction rolled back after
    them; each test runs in a savepoint of its own on top, so what it changes goes with it.
    Its images stay in the module's media directory (tests/conftest.py)."""
    with (
        override_settings(MEDIA_ROOT=module_media_root),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_newsroom()
        transaction.set_rollback(True)


def build_newsroom():
    token = uuid.uuid4().hex.upper()
    canary = f"CANARY{token}"
    secret_word = "quokkaphantasm"
    actor = ActorFactory(name="Canada", slug="canada", iso_alpha2="CA", iso_alpha3="CAN")
    person = PersonFactory(name="António Costa", slug="antonio-costa")
    bloc = ActorFactory(name="European Union", slug="european-union", kind="bloc")
    agreement = AgreementFactory(
        title="EU–Canada Security and Defence Partnership", short_name="SDP", slug="eu-canada-sdp"
    )
    for party_actor in (actor, bloc):
        party = PartyFactory(agreement=agreement, actor=party_actor)
        PartyActionFactory(party=party)
    event = EventFactory(title="EU–Canada summit", slug="eu-canada-summit")
    ParticipationFactory(event=event, actor=person)
    lonely_actor = ActorFactory(
        name=f"Norway {HOSTILE}", slug="norway", iso_alpha2="NO", iso_alpha3="NOR"
    )
    lonely_agreement = AgreementFactory(title=f"EU–Norway partnership {HOSTILE}", slug="eu-norway")
    lonely_event = EventFactory(title="EU–Norway talks", slug="eu-norway-talks")

    # A contributor with published work, who also signs the unpublished ones, and one whose
    # only work is unpublished: their author page must not exist.
    writer = ContributorFactory(
        name=f"Ana Ferreira {HOSTILE}", slug="ana-ferreira", bio=f"Covers NATO. {HOSTILE}"
    )
    hidden = ContributorFactory(
        name=f"{canary} Newhire", slug=f"newhire-{canary.lower()}", bio=f"{canary} bio."
    )

    published = []
    for n in range(3):
        briefing = BriefingFactory(
            headline=f"Canada and the EU sign a defence pact, part {n}",
            slug=f"defence-pact-{n}",
            dek="Ottawa joins Brussels in a security and defence partnership.",
            body="The pact covers procurement, cybersecurity and maritime security.",
            publish_at=timezone.now() - datetime.timedelta(hours=n + 2),
            lead_image=ImageFactory(title=f"Signing, part {n}", alt_text="The signing."),
        )
        briefing.tags.add("defence", "ratification")
        briefing.actors.add(actor, person, bloc)
        briefing.agreements.add(agreement)
        briefing.events.add(event)
        add_byline(briefing, writer)
        KeyFigureFactory(briefing=briefing)
        SourceFactory(briefing=briefing)
        CorrectionFactory(briefing=briefing)
        published.append(briefing)
    # Published, but its only neighbours through links are the unpublished ones.
    loner = BriefingFactory(
        headline="Norway's quiet partnership", slug="norway-partnership", body="Oslo waits."
    )
    loner.tags.add("nordic")
    loner.actors.add(lonely_actor)
    loner.agreements.add(lonely_agreement)
    loner.events.add(lonely_event)
    published.append(loner)

    planted = {}
    for state in ("draft", "review", "scheduled", "published-future", "withdrawn", "expired"):
        briefing = plant(
            canary,
            state,
            actor=actor,
            person=person,
            agreement=agreement,
            event=event,
            shared_tag="defence",
            secret_word=secret_word,
            bylines=[writer, hidden],
        )
        briefing.actors.add(lonely_actor)
        briefing.agreements.add(lonely_agreement)
        briefing.events.add(lonely_event)
        briefing.tags.add("nordic")
        planted[state] = briefing
    # Unpublished French translations of public English briefings: never linked from their
    # originals, named as their alternates, listed for French readers or fed to them.
    translations = {}
    originals = [*published]
    for state in ("draft", "scheduled", "withdrawn", "expired"):
        original = originals.pop(0)
        translations[state] = plant(
            canary,
            state,
            actor=actor,
            person=person,
            agreement=agreement,
            event=event,
            shared_tag="defence",
            secret_word=secret_word,
            bylines=[writer, hidden],
            translation_of=original,
        )

    editions = digest_editions()
    refresh_search = getattr(Briefing.objects, "update_search_vector", None)
    if refresh_search:
        refresh_search()
    assert set(Briefing.objects.published()) == set(published)
    return {
        "canary": canary,
        "secret_word": secret_word,
        "published": published,
        "planted": planted,
        "translations": translations,
        "actors": [actor, person, bloc, lonely_actor],
        "agreements": [agreement, lonely_agreement],
        "events": [event, lonely_event],
        "contributors": [writer],
        "hidden_contributor": hidden,
        "editions": editions,
    }


def digest_editions():
    """A sent edition whose window holds every planted briefing, and a planned one not sent."""
    now = timezone.now()
    year = datetime.timedelta(days=365)
    reader = SubscriberFactory()
    sent = Edition.objects.create(
        kind="daily", period=now.date(), starts_at=now - year, ends_at=now + year,
        completed_at=now,
    )  # fmt: skip
    Delivery.objects.create(
        edition=sent, subscriber=reader, message_id="<d.1@x>", state="sent", briefing_count=4
    )
    planned = Edition.objects.create(
        kind="weekly", period=now.date(), starts_at=now - year, ends_at=now + year
    )
    Delivery.objects.create(edition=planned, subscriber=reader, message_id="<d.2@x>")
    return {"sent": sent, "planned": planned}


def seeds_for(data):
    canary = data["canary"]
    actor, person, _, lonely_actor = data["actors"]
    agreement, lonely_agreement = data["agreements"]
    searches = [
        canary.lower(),
        data["secret_word"],
        "defence pact",
        "headline",
        "canada",
        "antonio",
        "correction",
        "figure source",
    ]
    filters = [
        {"tag": "defence"},
        {"tag": "nordic"},
        {"tag": canary.lower()},
        {"actor": actor.slug},
        {"actor": person.slug},
        {"actor": lonely_actor.slug},
        {"agreement": agreement.slug},
        {"agreement": lonely_agreement.slug},
        {"type": "news"},
    ]
    event_filters = [
        {"actor": actor.slug},
        {"actor": lonely_actor.slug},
        {"agreement": agreement.slug},
        {"agreement": lonely_agreement.slug},
        {"kind": "summit"},
        {"from": "2000-01-01", "to": "2100-12-31"},
    ]
    english = [
        "/en/",
        "/en/briefings/",
        "/en/actors/",
        "/en/agreements/",
        "/en/events/",
        "/en/tags/defence/",
        "/en/tags/nordic/",
        "/en/subscribe/",
        "/en/digests/",
        *(f"/en/search/?{urlencode({'q': q})}" for q in searches),
        *(f"/en/briefings/?{urlencode(f)}" for f in filters),
        *(f"/en/events/?{urlencode(f)}" for f in event_filters),
    ]
    return [
        *english,
        *(url.replace("/en/", "/fr/", 1) for url in english),  # every page in both languages
        "/sitemap.xml",
        "/robots.txt",
        "/this-page-does-not-exist/",
        "/fr/this-page-does-not-exist/",
        *(b.get_absolute_url() for b in data["published"]),
        *(f"/fr/briefings/{b.slug}/" for b in data["published"]),  # the other prefix: a 301
        *api_seeds(data, filters, event_filters),
    ]


def api_seeds(data, filters, event_filters):
    """Every API endpoint, its filters, each record's own answer, and the planted slugs."""
    records = [
        *(f"/api/v1/actors/{a.slug}" for a in data["actors"]),
        *(f"/api/v1/agreements/{a.slug}" for a in data["agreements"]),
        *(f"/api/v1/agreements/{a.slug}/parties?as_of=2020-01-01" for a in data["agreements"]),
        *(f"/api/v1/events/{e.slug}" for e in data["events"]),
        *(
            f"/api/v1/briefings/{b.slug}"
            for b in data["published"] + list(data["planted"].values())
        ),
    ]
    api_filters = [
        {k.replace("type", "kind"): v} for f in filters for k, v in f.items() if k != "tag"
    ]
    return [
        "/api/docs",
        "/api/v1/openapi.json",
        "/api/v1/actors?limit=2",
        "/api/v1/agreements?limit=1",
        "/api/v1/events?limit=1",
        "/api/v1/briefings?limit=2",
        *(f"/api/v1/briefings?{urlencode(f)}" for f in api_filters),
        *(f"/api/v1/events?{urlencode(f)}" for f in event_filters if "from" not in f),
        *(f"/api/v1/actors?{urlencode({'agreement': a.slug})}" for a in data["agreements"]),
        *records,
    ]


@pytest.mark.django_db
def test_the_canary_never_reaches_a_public_surface(client, newsroom):
    canary = newsroom["canary"]
    planted = newsroom["planted"]
    translations = newsroom["translations"]
    unpublished_urls = {b.get_absolute_url() for b in [*planted.values(), *translations.values()]}
    visited = crawl(client, seeds_for(newsroom))
    ok = {url for url, r in visited.items() if r.status_code == 200}
    kinds = Counter(page_kind(url) for url in ok)
    print(f"crawled {len(visited)} URLs, {len(ok)} answered 200:", dict(sorted(kinds.items())))

    leaks = []
    for url, response in visited.items():
        if carries(response, canary, url):
            leaks.append(f"{url} (status {response.status_code}, linked from {response.found_on})")
    assert not leaks, "the canary leaked on:\n" + "\n".join(leaks)

    server_errors = [u for u, r in visited.items() if r.status_code >= 500]
    assert not server_errors, f"server errors: {server_errors}"
    broken = [
        f"{url} ({r.status_code}, linked from {r.found_on})"
        for url, r in visited.items()
        if r.found_on and r.status_code == 404 and url not in unpublished_urls
    ]
    assert not broken, "links to missing pages:\n" + "\n".join(broken)

    # The crawl really covered the site: every public record and feed was reached by links.
    expected = [b.get_absolute_url() for b in newsroom["published"]]
    expected += [o.get_absolute_url() for o in newsroom["actors"] + newsroom["agreements"]]
    expected += [o.get_absolute_url() for o in newsroom["events"]]
    expected += [c.get_absolute_url() for c in newsroom["contributors"]]
    expected += [
        "/en/tags/",
        "/en/contributors/ana-ferreira/rss/",
        "/en/contributors/ana-ferreira/atom/",
    ]
    expected += [newsroom["editions"]["sent"].get_absolute_url()]
    with translation.override("fr"):
        records = newsroom["actors"] + newsroom["agreements"] + newsroom["events"]
        expected += [o.get_absolute_url() for o in records + newsroom["contributors"]]
        expected += ["/fr/tags/", "/fr/feeds/rss/", "/fr/feeds/atom/"]
    assert not [url for url in expected if url not in ok], "public pages the crawl never reached"
    assert any(url.startswith("/en/tags/?letter=") for url in ok), "no page of the topic index"
    feeds = [
        url
        for url, r in visited.items()
        if r.status_code == 200 and re.search(r"(rss|atom)\+xml", r.get("Content-Type", ""))
    ]
    assert len(feeds) >= 8, f"too few feeds reached: {feeds}"  # all, tag, actor, agreement x2

    # Names with markup are text everywhere: in pages, and in every RSS channel's title and
    # description, which readers render as HTML as they do item descriptions. (Data downloads
    # carry names as typed: a ZIP of JSON and CSV is no page. Agreement pages draw their map
    # as SVG: the payload's own tag is what must not appear.)
    live = [
        url
        for url, r in visited.items()
        if "<svg onload" in r.content.decode("utf-8", "replace")
        and r.get("Content-Type") != "application/zip"
    ]
    assert not live, f"a name became markup on: {live}"
    channels = 0
    for url in feeds:
        channel = ET.fromstring(visited[url].content).find("channel")
        if channel is None:  # Atom: title and subtitle are text constructs
            continue
        channels += 1
        for field in ("title", "description"):
            text = channel.findtext(field)
            assert "<" not in text, f"{url}: channel {field} renders as HTML: {text!r}"
    assert channels >= 4, f"too few RSS channels checked: {channels}"
    hostile_rss = [
        url for url in feeds if url in ("/en/actors/norway/rss/", "/en/agreements/eu-norway/rss/")
    ]
    assert len(hostile_rss) == 2, f"the hostile records' RSS feeds were not reached: {feeds}"
    assert len(ok) >= 60, f"the crawl reached only {len(ok)} pages"
    images = [url for url in ok if url.startswith("/images/")]
    assert len(images) >= 3, f"the published briefings' images were not reached: {images}"


@pytest.mark.django_db
def test_images_of_unpublished_briefings_cannot_be_fetched_or_guessed(client, newsroom):
    """Their true signed addresses answer 404 even with every rendition made and stored, and
    no address made from another image's signature, a walked pk or a guess opens one."""
    hidden = []
    for state, briefing in newsroom["planted"].items():
        briefing.refresh_from_db()
        inline = briefing.body_images.get()
        for image in (briefing.lead_image, inline):
            image.make_renditions()
            hidden.append(image)
            for key in rendition_keys():
                response = client.get(image.rendition_url(key))
                assert response.status_code == 404, (state, key)
                assert not carries(response, newsroom["canary"], key)
    public = newsroom["published"][0].lead_image
    assert client.get(public.rendition_url("wide-960.jpeg")).status_code == 200
    signature = public.signature("wide-960.jpeg")
    for image in hidden:
        for guess in (signature, "0" * 32, uuid.uuid4().hex, image.checksum[:32]):
            assert client.get(f"/images/{image.pk}/{guess}/wide-960.jpeg").status_code == 404
    pks = [i.pk for i in hidden] + [public.pk]
    for pk in range(min(pks) - 2, max(pks) + 3):
        response = client.get(f"/images/{pk}/{signature}/wide-960.jpeg")
        assert response.status_code == (200 if pk == public.pk else 404), pk


@pytest.mark.django_db
def test_unpublished_translations_are_gone_and_their_originals_never_name_them(client, newsroom):
    canary = newsroom["canary"]
    for state, french in newsroom["translations"].items():
        for prefix in ("/fr/", "/en/"):
            url = f"{prefix}briefings/{french.slug}/"
            response = client.get(url)
            expected = {"withdrawn": {410}, "expired": {404, 410}}.get(state, {404})
            assert response.status_code in expected, (state, url, response.status_code)
            assert not carries(response, canary, url), (state, url)
        original = french.translation_of
        for url in (original.get_absolute_url(), f"/fr/briefings/{original.slug}/"):
            response = client.get(url, follow=True)
            page = response.content.decode()
            assert response.status_code == 200, url
            assert "Lire en français" not in page, (state, url)
            assert '<link rel="alternate" hreflang="fr"' not in page, (state, url)
            assert french.slug not in page, (state, url)
    sitemap = client.get("/sitemap-briefings.xml").content.decode()
    assert canary.lower() not in sitemap.lower() and "hreflang" not in sitemap


@pytest.mark.django_db
def test_unpublished_briefings_are_gone_for_the_public(client, newsroom):
    for state, briefing in newsroom["planted"].items():
        response = client.get(briefing.get_absolute_url())
        expected = {"withdrawn": {410}, "expired": {404, 410}}.get(state, {404})
        assert response.status_code in expected, (state, response.status_code)
        url = briefing.get_absolute_url()
        assert not carries(response, newsroom["canary"], url), state
    for tag in (newsroom["canary"].lower(), f"{newsroom['canary'].lower()}-draft"):
        assert client.get(f"/en/tags/{tag}/").status_code == 404
    # A contributor whose only work is unpublished has no page, feed or sitemap entry.
    hidden = newsroom["hidden_contributor"].get_absolute_url()
    for url in (hidden, f"{hidden}rss/", f"{hidden}atom/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert not carries(response, newsroom["canary"], url), url
    sitemap = client.get("/sitemap-contributors.xml").content.decode()
    assert "ana-ferreira" in sitemap and "newhire" not in sitemap
    # The author page of someone with both lists only the published briefings.
    page = client.get("/en/contributors/ana-ferreira/").content.decode()
    assert page.count('<article class="card') == 3 and newsroom["canary"] not in page
    # A sent edition's web version shows its public briefings only; a planned one has no page.
    sent, planned = newsroom["editions"]["sent"], newsroom["editions"]["planned"]
    page = client.get(sent.get_absolute_url()).content.decode()
    assert page.count('<article class="card') == 4 and newsroom["canary"] not in page
    assert client.get(planned.get_absolute_url()).status_code == 404
    archive = client.get("/en/digests/").content.decode()
    assert sent.get_absolute_url() in archive and planned.get_absolute_url() not in archive


@pytest.mark.django_db
def test_french_digest_pages_show_no_unpublished_translation(client, newsroom):
    """The French web version of an edition and the French archive: a French translation not
    yet public leaves its original in place, never itself."""
    canary = newsroom["canary"]
    # The fixture gave the first published briefings French translations not yet public.
    first = newsroom["published"][0]
    assert first.translations.filter(language="fr").exists()
    sent = newsroom["editions"]["sent"]
    try:
        with translation.override("fr"):
            urls = [sent.get_absolute_url(), reverse("digest_archive:index")]
        for url in urls:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
            assert response.status_code == 200, url
            assert not carries(response, canary, url), url
        page = client.get(urls[0], HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert page.count('<article class="card') == 4 and first.headline in page
    finally:
        translation.deactivate()


def test_the_crawler_follows_html_and_xml_links():
    """The crawler itself: a crawl that finds no links would prove nothing."""

    class Fake:
        charset = "utf-8"

        def __init__(self, content_type, body):
            self.headers = {"Content-Type": content_type}
            self.content = body.encode()

        def get(self, key, default=None):
            return self.headers.get(key, default)

    html = Fake(
        "text/html; charset=utf-8",
        '<a href="/a/">a</a><img src="b.png"><link rel="alternate" href="/feed/">'
        '<a href="https://elsewhere.example/x">x</a><a href="mailto:x@y.z">m</a>',
    )
    xml = Fake(
        "application/xml",
        "<urlset><url><loc>http://testserver/c/</loc></url></urlset>"
        '<feed><link href="http://testserver/d/" rel="alternate"/></feed>',
    )
    assert extract_links(html) == ["/a/", "b.png", "/feed/", "https://elsewhere.example/x",
                                   "mailto:x@y.z"]  # fmt: skip
    assert extract_links(xml) == ["http://testserver/c/", "http://testserver/d/"]
    hosts = {"testserver"}
    base = "http://testserver/en/briefings/x/"
    assert same_site_path(base, "b.png", hosts) == "/en/briefings/x/b.png"
    assert same_site_path(base, "/a/?page=2#top", hosts) == "/a/?page=2"
    assert same_site_path(base, "https://elsewhere.example/x", hosts) is None
    assert same_site_path(base, "mailto:x@y.z", hosts) is None
    assert same_site_path(base, "/admin/", hosts) is None


def warm_crawl_seeds(newsroom, briefing):
    """The pages a briefing's change could leave stale: its own, lists, feeds, search, links."""
    return [*seeds_for(newsroom), briefing.get_absolute_url(), "/en/feeds/rss/", "/en/feeds/atom/",
            "/en/search/?q=warmcanary"]  # fmt: skip


def warm_briefing(newsroom, canary, **fields):
    """A public briefing carrying `canary`, linked like the planted ones, so it shows up on
    the lists, tag, actor, agreement and event pages and other briefings' related cards."""
    actor, person, _, _ = newsroom["actors"]
    briefing = BriefingFactory(
        headline=f"{canary} warm headline",
        dek=f"{canary} dek warmcanary",
        body=f"{canary} body",
        tags=["defence"],
        **fields,
    )
    briefing.actors.add(actor, person)
    briefing.agreements.add(newsroom["agreements"][0])
    briefing.events.add(newsroom["events"][0])
    Briefing.objects.filter(pk=briefing.pk).update_search_vector()
    return briefing


def leaked(client, seeds, canary):
    visited = crawl(client, seeds, limit=250)
    return [url for url, response in visited.items() if carries(response, canary, url)]


@pytest.mark.django_db
def test_warm_pages_drop_a_briefing_at_its_withdrawal_and_expiry(client, newsroom):
    """Every page first cached (and fragments rendered) while the briefing was public."""
    canary = f"WARM{uuid.uuid4().hex.upper()}"
    withdrawn = warm_briefing(newsroom, canary)
    seeds = warm_crawl_seeds(newsroom, withdrawn)
    assert leaked(client, seeds, canary), "the warm crawl never saw the briefing"

    withdrawn.transition(Briefing.Status.WITHDRAWN, by=editor(), note="Sourcing failed.")
    assert not (found := leaked(client, seeds, canary)), f"shown after withdrawal: {found}"

    canary = f"WARM{uuid.uuid4().hex.upper()}"
    expiring = warm_briefing(newsroom, canary)
    expiring.expires_at = timezone.now() + datetime.timedelta(seconds=5)
    expiring.save()
    assert leaked(client, seeds, canary), "the warm crawl never saw the expiring briefing"
    while timezone.now() <= expiring.expires_at:  # the expiry is a time: wait for it
        time.sleep(0.05)
    assert not (found := leaked(client, seeds, canary)), f"shown after expiry: {found}"


@pytest.mark.django_db
def test_warm_pages_never_show_a_scheduled_briefing_before_its_time(client, newsroom):
    canary = f"WARM{uuid.uuid4().hex.upper()}"
    publish_at = timezone.now() + datetime.timedelta(seconds=4)
    scheduled = warm_briefing(
        newsroom, canary, status=Briefing.Status.SCHEDULED, publish_at=publish_at
    )
    seeds = warm_crawl_seeds(newsroom, scheduled)

    found = leaked(client, seeds, canary)  # warms every page before the time
    assert not found or timezone.now() >= publish_at, f"shown before its time: {found}"
    while timezone.now() <= publish_at:
        time.sleep(0.05)
    assert scheduled.get_absolute_url() in leaked(client, seeds, canary)
