"""A French reader in Chromium: home → the pact in French → AECG → search « ratifié » → subscribe.

Every step is read as a reader reads it: French words, French dates, French names, and links
that stay under /fr/ unless the reader asks for the English.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from briefings.agreements.models import PartyAction
from tests.conftest import screenshot
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    PartyActionFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SIGNED = datetime.date(2016, 10, 30)


@pytest.fixture
def dossier():
    ceta = AgreementFactory(
        title="Comprehensive Economic and Trade Agreement",
        title_fr="Accord économique et commercial global",
        short_name="CETA",
        short_name_fr="AECG",
        slug="ceta",
        kind="trade",
        status="provisional",
        signed_on=SIGNED,
        provisionally_applied_on=datetime.date(2017, 9, 21),
    )
    latvia = PartyFactory(agreement=ceta, actor=ActorFactory(name="Latvia", name_fr="Lettonie"))
    PartyActionFactory(party=latvia, date=SIGNED)
    PartyActionFactory(
        party=latvia, kind=PartyAction.Kind.RATIFICATION, date=datetime.date(2017, 3, 9)
    )
    published = datetime.datetime(2025, 6, 23, 12, 0, tzinfo=datetime.UTC)
    english = BriefingFactory(
        headline="Canada and the EU sign a security and defence partnership",
        slug="pact-signed",
        body="Ten member states have yet to ratify CETA.",
        publish_at=published,
    )
    french = BriefingFactory(
        headline="Le Canada et l'Union européenne signent un partenariat de défense",
        slug="pacte-signe",
        language="fr",
        translation_of=english,
        body="Dix États membres n'ont pas encore achevé la ratification de l'AECG.",
        publish_at=published + datetime.timedelta(hours=1),
    )
    for briefing in (english, french):
        briefing.agreements.add(ceta)
    return {"english": english, "french": french}


def test_a_french_reader_walks_the_dossier(
    live_server, page, dossier, smtp_server, celery_worker, settings
):
    settings.SITE_URL = live_server.url
    page.set_extra_http_headers({"Accept-Language": "fr-CA,fr;q=0.9"})
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile("/fr/$"))  # the bare address follows the browser
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Dernières notes")).to_be_visible()
    main = page.locator("main")
    expect(main.get_by_text("Canada and the EU sign")).to_have_count(0)  # its translation shows
    screenshot(page, "french-home")

    main.get_by_role("link", name=dossier["french"].headline).first.click()
    expect(page).to_have_url(re.compile("/fr/briefings/pacte-signe/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(dossier["french"].headline)
    expect(page.get_by_text("23 juin 2025")).to_be_visible()
    english = page.get_by_role("link", name="Read in English")
    expect(english).to_have_attribute("href", "/en/briefings/pact-signed/")
    expect(english).to_have_attribute("hreflang", "en")
    screenshot(page, "french-briefing")

    main.get_by_role("link", name=re.compile("AECG|Accord économique")).first.click()
    expect(page).to_have_url(re.compile("/fr/agreements/ceta/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Accord économique et commercial global"
    )
    expect(main.get_by_text("AECG").first).to_be_visible()
    expect(main.get_by_text("30 octobre 2016").first).to_be_visible()
    expect(main.get_by_text("Lettonie").first).to_be_visible()
    expect(main.get_by_text("Comprehensive Economic and Trade Agreement")).to_have_count(0)
    screenshot(page, "french-agreement")

    page.get_by_label("Chercher dans les notes").fill("ratifié")
    page.get_by_label("Chercher dans les notes").press("Enter")
    expect(page).to_have_url(re.compile(r"/fr/search/\?q=ratifi"))
    expect(main.get_by_role("link", name=dossier["french"].headline)).to_be_visible()
    expect(main.get_by_text("1 note pour")).to_be_visible()
    screenshot(page, "french-search")

    page.get_by_role("link", name="S’abonner").first.click()
    expect(page).to_have_url(re.compile("/fr/subscribe/$"))
    expect(page.get_by_role("radio", name="Français")).to_be_checked()  # the page's language
    page.get_by_label("Adresse électronique", exact=True).fill("lectrice@mail.example")
    main.get_by_role("button", name="S’abonner").click()
    expect(page.get_by_role("heading", name="Consultez votre boîte de réception")).to_be_visible()
    [confirmation] = smtp_server.wait_for(1)
    assert confirmation["Subject"] == "Confirmez votre abonnement aux courriels de Briefing Desk"
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    assert f"{live_server.url}/fr/subscribe/confirm/" in text
