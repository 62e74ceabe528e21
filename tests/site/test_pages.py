"""Every public page answers, with the head a professional site needs."""

import itertools
import json
import re

import pytest
from django.core.management import call_command

from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    EventFactory,
    ParticipationFactory,
    PartyActionFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier():
    canada = ActorFactory(name="Canada", slug="canada")
    pact = AgreementFactory(title="EU–Canada Security and Defence Partnership", slug="pact")
    party = PartyFactory(agreement=pact, actor=canada)
    PartyActionFactory(party=party)
    event = EventFactory(title="EU–Canada summit", slug="summit")
    event.agreements.add(pact)
    ParticipationFactory(event=event, actor=canada)
    briefing = BriefingFactory(headline="The pact is signed", slug="pact-signed", tags=["defence"])
    briefing.actors.add(canada)
    briefing.agreements.add(pact)
    briefing.events.add(event)
    return briefing


PAGES = [
    "/en/",
    "/en/briefings/",
    "/en/briefings/pact-signed/",
    "/en/tags/defence/",
    "/en/actors/",
    "/en/actors/canada/",
    "/en/agreements/",
    "/en/agreements/pact/",
    "/en/events/",
    "/en/events/summit/",
    "/en/search/?q=pact",
]


@pytest.mark.parametrize("url", PAGES)
def test_page_has_title_description_canonical_and_cards(client, dossier, settings, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<title>[^<]*Briefing Desk[^<]*</title>", html)
    assert '<meta name="description" content="' in html
    path = url.split("?")[0]
    assert f'<link rel="canonical" href="{settings.SITE_URL}{path}">' in html
    assert '<meta property="og:title"' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert 'rel="alternate" type="application/rss+xml"' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html


@pytest.mark.parametrize("url", PAGES)
def test_one_h1_and_headings_never_skip_a_level(client, dossier, url):
    html = client.get(url).content.decode()
    levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]

    assert levels.count(1) == 1
    assert levels[0] == 1
    for previous, current in itertools.pairwise(levels):
        assert current <= previous + 1, f"h{previous} followed by h{current} on {url}"


def test_follow_buttons_name_what_they_follow(client, dossier):
    html = client.get("/en/actors/canada/").content.decode()

    assert 'aria-label="Follow Canada by email"' in html
    assert 'href="/en/subscribe/?actor=canada"' in html


def test_collectstatic_builds_hashed_compressed_files_for_production(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    css = manifest["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", css)
    assert (tmp_path / f"{css}.gz").exists()
    assert "favicon.ico" in manifest and "favicon.svg" in manifest
