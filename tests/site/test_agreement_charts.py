"""The agreement page's map and timeline: colours derived from the record, through the caches."""

import datetime
import re

import pytest

from briefings.actors.models import Actor
from briefings.agreements.models import PartyAction
from tests.admin_support import save_with_status_decision
from tests.factories import ActorFactory, AgreementFactory, PartyActionFactory, PartyFactory, editor

pytestmark = pytest.mark.django_db

SIGNED = datetime.date(2016, 10, 30)


def state(name, iso3):
    return ActorFactory(name=name, kind=Actor.Kind.STATE, iso_alpha3=iso3, iso_alpha2=iso3[:2])


@pytest.fixture
def ceta():
    agreement = AgreementFactory(slug="ceta", short_name="CETA")
    parties = {}
    for name, iso3 in [("Germany", "DEU"), ("France", "FRA"), ("Canada", "CAN"), ("Malta", "MLT")]:
        party = PartyFactory(agreement=agreement, actor=state(name, iso3))
        PartyActionFactory(party=party, kind=PartyAction.Kind.SIGNATURE, date=SIGNED)
        parties[iso3] = party
    PartyActionFactory(
        party=parties["DEU"], kind=PartyAction.Kind.RATIFICATION, date=datetime.date(2023, 3, 1)
    )
    PartyActionFactory(
        party=parties["MLT"], kind=PartyAction.Kind.RATIFICATION, date=datetime.date(2017, 5, 1)
    )
    PartyActionFactory(
        party=parties["CAN"],
        kind=PartyAction.Kind.PROVISIONAL_APPLICATION,
        date=datetime.date(2017, 9, 21),
    )
    bloc = ActorFactory(name="European Union", kind=Actor.Kind.BLOC)
    eu = PartyFactory(agreement=agreement, actor=bloc)
    PartyActionFactory(party=eu, kind=PartyAction.Kind.SIGNATURE, date=SIGNED)
    return agreement, parties


def shape_class(html, iso):
    match = re.search(rf'class="map-party st-(\w+)" data-iso="{iso}"', html)
    return match and match[1]


def test_each_party_is_coloured_by_its_derived_status(client, ceta):
    html = client.get("/en/agreements/ceta/").content.decode()
    assert shape_class(html, "DEU") == "bound"
    assert shape_class(html, "FRA") == "signed"
    assert shape_class(html, "CAN") == "provisional"
    assert shape_class(html, "MLT") == "bound", "a small state is drawn with a marker"
    assert re.search(r'data-iso="MLT"><title>Malta: Ratification, 1 May 2017</title>', html)
    assert "<title>France: Signed, 30 October 2016</title>" in html
    assert 'class="map-land"' in html and "<title>Norway</title>" in html, "others in grey"
    assert 'role="img" aria-labelledby="map-title map-desc"' in html
    assert "Not drawn on the map: European Union (Signed)" in html
    legend = html[html.index('class="map-legend"') : html.index("</ul>", html.index("map-legend"))]
    assert 'Signed <span class="count">(2)</span>' in legend
    assert "Ratification" not in legend and 'Ratified <span class="count">(2)</span>' in legend


def test_an_action_added_in_the_admin_recolours_the_map_through_the_caches(client, ceta):
    agreement, parties = ceta
    anonymous = client
    assert shape_class(anonymous.get("/en/agreements/ceta/").content.decode(), "FRA") == "signed"

    desk = type(client)()
    desk.force_login(editor())
    france = parties["FRA"]
    # A ratification changes France's status: the admin asks first (silent: no readers here).
    _, response = save_with_status_decision(
        desk,
        f"/admin/agreements/party/{france.pk}/change/",
        {
            "agreement": agreement.pk,
            "actor": france.actor.pk,
            "role": "party",
            "note": "",
            "actions-TOTAL_FORMS": "2",
            "actions-INITIAL_FORMS": "1",
            "actions-MIN_NUM_FORMS": "0",
            "actions-MAX_NUM_FORMS": "1000",
            "actions-0-id": france.actions.get().pk,
            "actions-0-party": france.pk,
            "actions-0-kind": "signature",
            "actions-0-date": "2016-10-30",
            "actions-0-date_precision": "day",
            "actions-1-party": france.pk,
            "actions-1-kind": "ratification",
            "actions-1-date": "2024-02-01",
            "actions-1-date_precision": "day",
        },
        "silent",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert france.actions.count() == 2
    html = anonymous.get("/en/agreements/ceta/").content.decode()
    assert shape_class(html, "FRA") == "bound"
    assert "<title>France: Ratification, 1 February 2024</title>" in html


def test_the_timeline_spans_the_record_with_a_tick_per_action(client, ceta):
    html = client.get("/en/agreements/ceta/").content.decode()
    timeline = html[html.index('<figure class="action-timeline"') :]
    years = re.findall(r'class="tl-year"[^>]*>(\d{4})<', timeline)
    assert years == [str(y) for y in range(2016, 2025)]
    assert timeline.count('class="tl-tick st-signed"') == 5
    assert timeline.count('class="tl-tick st-bound"') == 2
    assert timeline.count('class="tl-tick st-provisional"') == 1
    assert "<title>Germany: Ratification, 1 March 2023</title>" in timeline
    assert '<desc id="tl-desc">From 30 October 2016 to 1 March 2023' in timeline
    assert "2 of 5 parties bound" in timeline
    assert "Every action in date order (8)" in timeline


def test_a_withdrawal_lowers_the_bound_line_and_gets_its_lane(client, ceta):
    _, parties = ceta
    PartyActionFactory(
        party=parties["MLT"], kind=PartyAction.Kind.WITHDRAWAL, date=datetime.date(2020, 1, 31)
    )
    html = client.get("/en/agreements/ceta/").content.decode()
    assert shape_class(html, "MLT") == "withdrawn"
    assert 'class="tl-tick st-withdrawn"' in html
    assert "1 of 5 parties bound" in html


def test_names_are_escaped_in_the_svg(client, ceta):
    _, parties = ceta
    actor = parties["FRA"].actor
    actor.name = '"><script>alert(1)</script>'
    actor.save()
    html = client.get("/en/agreements/ceta/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: Signed" in html


def test_an_agreement_without_parties_has_no_map(client):
    AgreementFactory(slug="bare")
    html = client.get("/en/agreements/bare/").content.decode()
    assert "ratification-map" not in html and "action-timeline" not in html


def test_the_map_data_is_small_and_covers_europe_and_canada():
    from briefings.site.maps.charts import SHAPES, shapes

    assert SHAPES.stat().st_size < 300_000
    codes = {s["id"] for s in shapes()["shapes"]}
    eu = "AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD POL"
    eu += " PRT ROU SVK SVN ESP SWE"
    assert set(eu.split()) | {"CAN", "GBR", "NOR", "ISL", "UKR"} <= codes
