"""An agreement's record as of a date, in Chromium: the date form, the table it answers with,
and the CSV it offers. Screenshots go to artifacts/."""

import datetime

import pytest
from playwright.sync_api import expect

from briefings.agreements.models import PartyAction
from tests.conftest import screenshot
from tests.factories import ActorFactory, AgreementFactory, PartyActionFactory, PartyFactory
from tests.site.test_browser_reader import no_horizontal_scroll

pytestmark = pytest.mark.django_db(transaction=True)

K = PartyAction.Kind
D = datetime.date


@pytest.fixture
def ceta():
    ceta = AgreementFactory(
        title="Comprehensive Economic and Trade Agreement", short_name="CETA", slug="ceta"
    )
    record = {
        "Latvia": [(K.RATIFICATION, D(2017, 3, 9))],
        "United Kingdom": [(K.RATIFICATION, D(2018, 11, 8)), (K.CEASED_COVERAGE, D(2020, 12, 31))],
        "Finland": [(K.RATIFICATION, D(2019, 1, 3))],
        "France": [],
    }
    for name, actions in record.items():
        party = PartyFactory(agreement=ceta, actor=ActorFactory(name=name))
        PartyActionFactory(party=party, kind=K.SIGNATURE, date=D(2016, 10, 30))
        for kind, date in actions:
            PartyActionFactory(party=party, kind=kind, date=date)
    return ceta


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reader_asks_who_had_ratified_on_a_date(live_server, page, ceta, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/en/agreements/ceta/")
    expect(page.locator("#parties-ceased")).to_contain_text("United Kingdom")
    page.get_by_label("Status on").fill("2019-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(live_server.url + "/en/agreements/ceta/?as_of=2019-01-01")
    expect(page.locator("#parties-title")).to_have_text("Parties (4) on 1 January 2019")
    bound = page.locator("#parties-bound tbody th")
    expect(bound).to_have_text(["Latvia", "United Kingdom"])
    expect(page.locator("#parties-ceased")).to_have_count(0)
    csv = page.locator(".downloads a", has_text="CSV").first
    expect(csv).to_have_attribute("href", "/en/agreements/ceta/parties.csv?as_of=2019-01-01")
    no_horizontal_scroll(page)
    screenshot(page, f"agreement-as-of-{width}")
    page.get_by_role("link", name="Today").click()
    expect(page.locator("#parties-title")).to_have_text("Parties (4)")
