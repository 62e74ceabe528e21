"""Reading a long briefing in Chromium at 1280 and 390 px: the contents scroll to their
subheads, key figures come before the body on a phone, copy link copies the canonical address,
print is offered and the tools leave the printout; no CSP violation on the way.

Console errors fail the test (see the `page` fixture); screenshots go to artifacts/.
"""

import datetime

import pytest
from django.conf import settings
from playwright.sync_api import expect

from briefings.agreements.models import PartyAction
from tests.conftest import screenshot
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    KeyFigureFactory,
    PartyActionFactory,
    PartyFactory,
)
from tests.site.test_browser_csp import LISTEN, violations
from tests.site.test_browser_reader import no_horizontal_scroll

pytestmark = pytest.mark.django_db(transaction=True)

PARAGRAPH = "The partnership covers dialogue, exercises and joint procurement. " * 12
HEADINGS = ["Why it matters", "What was signed", "The SAFE fund", "Who pays", "What comes next"]
# Records window.print() instead of opening the dialog; share.js finds a function either way.
PRINT_SPY = "window.__printed = 0; window.print = () => { window.__printed += 1; };"


@pytest.fixture
def long_read():
    body = "Lede paragraph.\n\n" + "\n\n".join(
        f"## {heading}\n\n{PARAGRAPH}\n\n### {heading}: detail\n\n{PARAGRAPH}"
        for heading in HEADINGS
    )
    body += '\n\n## <img src=x onerror="alert(1)">Closing <script>alert(2)</script>notes'
    briefing = BriefingFactory(
        headline="Canada joins the EU's defence procurement", slug="long-read", body=body
    )
    KeyFigureFactory(briefing=briefing, label="SAFE loans", value="€150 billion")
    return briefing


def box(locator):
    return locator.bounding_box()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reader_finds_their_way_through_a_long_briefing(live_server, page, long_read, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.add_init_script(LISTEN + PRINT_SPY)
    page.goto(live_server.url + long_read.get_absolute_url())

    toc = page.get_by_role("navigation", name="In this briefing")
    expect(toc).to_be_visible()
    links = toc.get_by_role("link")
    expect(links).to_have_count(len(HEADINGS) * 2 + 1)
    expect(links.last).to_have_text("Closing notes")
    for name, anchor in [("Who pays: detail", "sec-who-pays-detail"), ("Closing notes", None)]:
        link = toc.get_by_role("link", name=name, exact=True)
        target = anchor or link.get_attribute("href").lstrip("#")
        link.click()
        heading = page.locator(f"#{target}")
        expect(heading).to_have_text(name)
        expect(heading).to_be_in_viewport()
        assert page.evaluate("location.hash") == f"#{target}"
        # At the top of the window, unless the page ends first (smooth scrolling may run).
        page.wait_for_function(
            """(id) => {
                const top = document.getElementById(id).getBoundingClientRect().top;
                const atEnd = innerHeight + scrollY >= document.body.scrollHeight - 1;
                return top >= 0 && (top < 120 || atEnd);
            }""",
            arg=target,
        )
    if width == 1280:
        expect(toc).to_be_in_viewport()  # sticky beside the body

    figures, body = page.locator(".key-figures"), page.locator(".briefing-body")
    if width == 390:
        assert box(figures)["y"] + box(figures)["height"] <= box(body)["y"]
    else:
        assert box(figures)["x"] > box(body)["x"] + box(body)["width"]  # the rail beside it
    body_size = float(
        page.eval_on_selector(".briefing-body p", "p => getComputedStyle(p).fontSize")[:-2]
    )
    for level in ("h2", "h3"):
        size = page.eval_on_selector(f".briefing-body {level}", "h => getComputedStyle(h).fontSize")
        assert float(size[:-2]) > body_size, (level, size, body_size)

    page.evaluate("window.scrollTo(0, 0)")
    share = page.get_by_role("group", name="Share this briefing")
    share.get_by_role("button", name="Copy link").click()
    expect(share.get_by_role("status")).to_have_text("Link copied.")
    url = settings.SITE_URL + long_read.get_absolute_url()
    assert page.evaluate("navigator.clipboard.readText()") == url
    expect(share.get_by_role("link", name="email")).to_have_attribute(
        "href",
        f"mailto:?subject=Canada%20joins%20the%20EU%27s%20defence%20procurement"
        f"&body={url.replace(':', '%3A').replace('/', '%2F')}",
    )
    share.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed") == 1
    no_horizontal_scroll(page)
    screenshot(page, f"briefing-contents-{width}")

    page.emulate_media(media="print")
    expect(share).to_be_hidden()
    expect(toc).to_be_hidden()
    expect(body).to_be_visible()
    assert violations(page) == []


def test_the_parties_tables_reflow_on_a_phone_with_bound_first(live_server, page):
    signed = datetime.date(2016, 10, 30)
    ceta = AgreementFactory(title="Comprehensive Economic and Trade Agreement", slug="ceta")
    for name in ["Latvia", "Federal Republic of Germany", "Kingdom of the Netherlands"]:
        party = PartyFactory(agreement=ceta, actor=ActorFactory(name=name), note="Note " * 30)
        PartyActionFactory(party=party, date=signed)
        PartyActionFactory(
            party=party, kind=PartyAction.Kind.RATIFICATION, date=datetime.date(2019, 3, 9)
        )
    page.set_viewport_size({"width": 390, "height": 844})
    page.add_init_script(LISTEN)
    page.goto(live_server.url + "/en/agreements/ceta/")
    table = page.locator("#parties-bound")
    row = table.locator("tbody tr").filter(has_text="Kingdom of the Netherlands")
    bound = row.locator("td.bound")
    expect(bound).to_have_text("9 March 2019")
    bound.scroll_into_view_if_needed()
    name, cell = box(row.locator("th")), box(bound)
    # Reflowed: the party and the day it became bound on screen together, nothing cut off.
    assert cell["x"] >= 0 and cell["x"] + cell["width"] <= 390, cell
    assert name["x"] >= 0 and name["y"] < cell["y"], (name, cell)
    status = box(row.locator("td[data-label=Status]"))
    assert cell["x"] < status["x"] and cell["y"] == status["y"], "Bound leads, beside Status"
    label = bound.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Bound"'
    wrap = page.locator(".table-wrap").filter(has=table)
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
    no_horizontal_scroll(page)
    screenshot(page, "agreement-parties-390")
    assert violations(page) == []


def test_the_parties_table_keeps_its_columns_on_a_desktop(live_server, page):
    ceta = AgreementFactory(slug="ceta")
    party = PartyFactory(agreement=ceta, actor=ActorFactory(name="Latvia"))
    PartyActionFactory(party=party, kind=PartyAction.Kind.RATIFICATION)
    page.goto(live_server.url + "/en/agreements/ceta/")
    expect(page.locator("#parties-bound thead th")).to_have_text(
        ["Party", "Status", "Signed", "Bound", "Notes"]
    )
    assert page.locator("#parties-bound").evaluate("t => getComputedStyle(t).display") == "table"
