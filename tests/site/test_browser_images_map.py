"""In Chromium: the agreement map at 1280 and 390 px, a lead image without layout shift, and the
admin's focal-point picker. Screenshots go to artifacts/ (agreement-map-1280.png, …)."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from briefings.actors.models import Actor
from briefings.agreements.models import PartyAction
from tests.conftest import screenshot
from tests.factories import (
    CETA_NOT_RATIFIED,
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    ImageFactory,
    PartyActionFactory,
    PartyFactory,
    editor,
)

pytestmark = pytest.mark.django_db(transaction=True)

SIGNED = datetime.date(2016, 10, 30)
ISO3 = {
    "Belgium": "BEL", "Bulgaria": "BGR", "Cyprus": "CYP", "France": "FRA", "Greece": "GRC",
    "Hungary": "HUN", "Ireland": "IRL", "Italy": "ITA", "Poland": "POL", "Slovenia": "SVN",
    "Germany": "DEU", "Spain": "ESP", "Sweden": "SWE", "Latvia": "LVA", "Malta": "MLT",
    "Netherlands": "NLD", "Portugal": "PRT", "Denmark": "DNK", "Canada": "CAN",
}  # fmt: skip


@pytest.fixture
def ceta():
    agreement = AgreementFactory(slug="ceta", short_name="CETA", title="CETA", kind="trade")
    for name, iso3 in ISO3.items():
        actor = ActorFactory(name=name, kind=Actor.Kind.STATE, iso_alpha3=iso3)
        party = PartyFactory(agreement=agreement, actor=actor)
        PartyActionFactory(party=party, kind=PartyAction.Kind.SIGNATURE, date=SIGNED)
        if name == "Canada":
            PartyActionFactory(
                party=party, kind=PartyAction.Kind.RATIFICATION, date=datetime.date(2017, 5, 16)
            )
        elif name not in CETA_NOT_RATIFIED:
            year = 2017 + len(name) % 7
            PartyActionFactory(
                party=party, kind=PartyAction.Kind.RATIFICATION, date=datetime.date(year, 3, 1)
            )
    bloc = ActorFactory(name="European Union", kind=Actor.Kind.BLOC)
    eu = PartyFactory(agreement=agreement, actor=bloc)
    PartyActionFactory(party=eu, kind=PartyAction.Kind.SIGNATURE, date=SIGNED)
    PartyActionFactory(
        party=eu,
        kind=PartyAction.Kind.PROVISIONAL_APPLICATION,
        date=datetime.date(2017, 9, 21),
    )
    return agreement


@pytest.mark.parametrize("width", [1280, 390])
def test_the_agreement_map_reads_at_desktop_and_phone_widths(live_server, page, ceta, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/en/agreements/ceta/")
    svg = page.locator(".ratification-map svg")
    expect(svg).to_be_visible()
    box = svg.bounding_box()
    assert box["width"] <= width and box["height"] > 150
    fills = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.map-party[data-iso]')]
             .map(el => [el.dataset.iso, getComputedStyle(el).fill]))"""
    )
    signed = {iso for iso, fill in fills.items() if "map-hatch" in fill}
    assert signed == {ISO3[name] for name in CETA_NOT_RATIFIED}, "the ten stand apart"
    assert fills["DEU"] == fills["ESP"] == "rgb(31, 111, 80)"
    assert fills["CAN"] == fills["DEU"]
    expect(page.locator(".map-legend")).to_contain_text("Signed (10)")
    expect(page.locator(".map-off")).to_contain_text("European Union (Provisionally applying)")
    expect(page.locator(".action-timeline svg")).to_be_visible()
    assert page.locator(".tl-year").first.text_content() == "2016"
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= width, f"the page scrolls sideways at {width}px"
    page.locator(".ratification-map").screenshot(path=artifact(f"agreement-map-{width}-map"))
    screenshot(page, f"agreement-map-{width}")


def artifact(name):
    import os

    from tests.conftest import ARTIFACTS

    os.makedirs(ARTIFACTS, exist_ok=True)
    return os.path.join(ARTIFACTS, f"{name}.png")


def test_a_lead_image_loads_without_shifting_the_page(live_server, page):
    image = ImageFactory(size=(1600, 900), alt_text="The signing in Brussels.")
    briefing = BriefingFactory(lead_image=image, slug="with-image")
    page.goto(live_server.url + briefing.get_absolute_url())
    img = page.locator(".lead-image img")
    expect(img).to_have_attribute("width", "960")
    expect(img).to_have_attribute("height", "540")
    page.wait_for_function(
        "() => { const i = document.querySelector('.lead-image img'); "
        "return i.complete && i.naturalWidth > 0; }"
    )
    source = page.evaluate("() => document.querySelector('.lead-image img').currentSrc")
    assert source.endswith((".avif", ".webp")), source
    ratio = page.evaluate(
        "() => { const r = document.querySelector('.lead-image img').getBoundingClientRect();"
        " return r.width / r.height; }"
    )
    assert abs(ratio - 16 / 9) < 0.02
    expect(page.locator(".lead-image figcaption")).to_contain_text("Briefing Desk (CC BY 4.0)")
    screenshot(page, "briefing-lead-image")


def test_the_focal_point_picker_sets_the_point(live_server, page):
    user = editor(username="pat")
    image = ImageFactory(size=(1200, 800))
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.goto(live_server.url + reverse("admin:images_image_change", args=[image.pk]))
    picture = page.locator("[data-focal-picker] img")
    expect(picture).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('[data-focal-picker] img').naturalWidth > 0"
    )
    box = picture.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
    assert abs(float(page.input_value("#id_focal_x")) - 0.25) <= 0.02
    assert abs(float(page.input_value("#id_focal_y")) - 0.75) <= 0.02
    expect(page.locator(".focal-mark")).to_be_visible()
    screenshot(page, "admin-image-focal-point")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    image.refresh_from_db()
    assert abs(image.focal_x - 0.25) <= 0.02 and abs(image.focal_y - 0.75) <= 0.02
    expect(page.locator("[data-focal-picker] img")).to_be_visible()


def test_the_image_chooser_puts_an_image_into_the_body(live_server, page):
    user = editor(username="lou")
    image = ImageFactory(title="Summit <b>photo</b>")
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.goto(live_server.url + reverse("admin:newsroom_briefing_add"))
    page.fill("#id_body", "First paragraph.")
    choice = page.locator(f'[data-image-ref="![](image:{image.pk})"]')
    expect(choice).to_contain_text("Summit <b>photo</b>")
    choice.click()
    assert page.input_value("#id_body") == f"First paragraph.\n\n![](image:{image.pk})\n"
    screenshot(page, "admin-briefing-image-chooser")
