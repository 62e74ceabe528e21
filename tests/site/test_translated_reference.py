"""Reference data on the French pages: French names where an editor gave them, the English
where not, escaped like any other text, and found by either language's name."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from briefings.actors.models import Actor
from briefings.agreements.models import PartyAction
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    EventFactory,
    OfficeFactory,
    OfficeTermFactory,
    ParticipationFactory,
    PartyActionFactory,
    PartyFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>"


def french(url_of):
    with translation.override("fr"):
        return url_of()


def english(url_of):
    """A request to a French page leaves French active in the test's thread: ask explicitly."""
    with translation.override("en"):
        return url_of()


def jsonld(html):
    return json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    )


@pytest.fixture
def dossier():
    eu = ActorFactory(
        name="European Union",
        slug="european-union",
        short_name="EU",
        kind=Actor.Kind.BLOC,
        name_fr="Union européenne",
        short_name_fr="UE",
    )
    germany = ActorFactory(
        name="Germany", slug="germany", iso_alpha3="DEU", iso_alpha2="DE", name_fr="Allemagne"
    )
    latvia = ActorFactory(name="Latvia", slug="latvia", iso_alpha3="LVA", iso_alpha2="LV")
    ceta = AgreementFactory(
        title="Comprehensive Economic and Trade Agreement",
        short_name="CETA",
        slug="ceta",
        summary="The trade agreement between Canada and the EU.",
        signed_on=datetime.date(2016, 10, 30),
        signed_place="Brussels",
        title_fr="Accord économique et commercial global",
        short_name_fr="AECG",
        summary_fr="L'accord commercial entre le Canada et l'UE.",
        signed_place_fr="Bruxelles",
    )
    for actor in [eu, germany, latvia]:
        party = PartyFactory(agreement=ceta, actor=actor)
        PartyActionFactory(party=party, kind=PartyAction.Kind.SIGNATURE)
    belgium = ActorFactory(name="Belgium", slug="belgium", name_fr="Belgique")
    summit = EventFactory(
        title="EU–Canada summit",
        slug="summit",
        title_fr="Sommet UE–Canada",
        place_name="Brussels",
        place_name_fr="Bruxelles",
        country=belgium,
    )
    summit.agreements.add(ceta)
    ParticipationFactory(event=summit, actor=eu)
    return {"eu": eu, "germany": germany, "latvia": latvia, "ceta": ceta, "summit": summit}


def test_the_french_ceta_page_reads_aecg(client, dossier):
    html = client.get(french(dossier["ceta"].get_absolute_url)).content.decode()

    assert "<h1>Accord économique et commercial global" in html
    assert "(AECG)" in html
    assert "L&#x27;accord commercial entre le Canada et l&#x27;UE." in html
    assert "Bruxelles" in html
    assert "Union européenne" in html and "Allemagne" in html
    assert "Latvia" in html, "no French name yet: the English"
    assert "Sommet UE–Canada" in html
    assert "CETA" not in re.search(r"<h1>.*?</h1>", html, re.S)[0]


def test_the_english_ceta_page_is_unchanged(client, dossier):
    html = client.get(english(lambda: reverse("agreements:detail", args=["ceta"])))
    html = html.content.decode()

    assert "<h1>Comprehensive Economic and Trade Agreement" in html
    assert "(CETA)" in html
    assert "AECG" not in re.search(r"<h1>.*?</h1>", html, re.S)[0]
    assert "Germany" in html and "Allemagne" not in html


def test_french_names_on_the_actor_event_and_list_pages(client, dossier):
    with translation.override("fr"):
        actor = client.get(dossier["eu"].get_absolute_url()).content.decode()
        event = client.get(dossier["summit"].get_absolute_url()).content.decode()
        actors = client.get(reverse("actors:index")).content.decode()
        agreements = client.get(reverse("agreements:index")).content.decode()
        events = client.get(reverse("events:index")).content.decode()

    assert "<h1>Union européenne" in actor and "(UE)" in actor
    assert "<title>Union européenne" in actor
    assert "Accord économique et commercial global" in actor
    assert "<h1>Sommet UE–Canada</h1>" in event
    assert "Bruxelles, Belgique" in event
    assert "Union européenne" in event
    assert "Allemagne" in actors and "Latvia" in actors
    assert actors.index("Allemagne") < actors.index("Latvia"), "sorted by the name shown"
    assert "Accord économique et commercial global" in agreements
    assert "Sommet UE–Canada" in events and "AECG" in events


def test_a_french_briefing_page_names_its_actors_and_agreements_in_french(client, dossier):
    briefing = BriefingFactory(headline="Ten states have not ratified", slug="ten-states")
    briefing.actors.add(dossier["eu"])
    briefing.agreements.add(dossier["ceta"])
    briefing.events.add(dossier["summit"])

    html = client.get(french(briefing.get_absolute_url)).content.decode()

    assert "Union européenne" in html
    assert "Accord économique et commercial global" in html
    assert "AECG" in html, "the kicker's acronym"
    assert "Sommet UE–Canada" in html
    about = {thing["name"] for thing in jsonld(html)["about"]}
    assert about == {"Union européenne", "Accord économique et commercial global"}


def test_offices_and_their_holders_in_french(client):
    canada = ActorFactory(name="Canada", slug="canada", name_fr="Canada")
    office = OfficeFactory(
        organisation=canada, title="Prime Minister of Canada", title_fr="Premier ministre du Canada"
    )
    carney = PersonFactory(name="Mark Carney", slug="mark-carney")
    OfficeTermFactory(office=office, person=carney)

    assert (
        "Premier ministre du Canada" in client.get(french(carney.get_absolute_url)).content.decode()
    )
    assert (
        "Premier ministre du Canada" in client.get(french(canada.get_absolute_url)).content.decode()
    )
    assert (
        "Prime Minister of Canada" in client.get(english(carney.get_absolute_url)).content.decode()
    )


def test_json_ld_names_things_in_the_readers_language_and_tags_the_other(client, dossier):
    page = jsonld(client.get(french(dossier["ceta"].get_absolute_url)).content.decode())
    assert page["name"] == "Accord économique et commercial global"
    assert page["inLanguage"] == "fr"
    assert page["alternateName"] == [
        "AECG",
        {"@value": "Comprehensive Economic and Trade Agreement", "@language": "en"},
        {"@value": "CETA", "@language": "en"},
    ]
    assert {"Union européenne", "Allemagne", "Latvia"} == {
        p["name"] for p in page["legislationPassedBy"]
    }

    actor = jsonld(client.get(english(dossier["eu"].get_absolute_url)).content.decode())
    assert actor["name"] == "European Union"
    assert actor["alternateName"] == [
        "EU",
        {"@value": "Union européenne", "@language": "fr"},
        {"@value": "UE", "@language": "fr"},
    ]


def test_the_map_and_timeline_speak_the_pages_language_through_their_cache(client, dossier):
    english_page = client.get(english(dossier["ceta"].get_absolute_url)).content.decode()
    french_page = client.get(french(dossier["ceta"].get_absolute_url)).content.decode()
    english_again = client.get(english(dossier["ceta"].get_absolute_url)).content.decode()

    assert "<title>Germany: Signed, 30 October 2016</title>" in english_page
    assert '<title id="map-title">Map of the parties to CETA' in english_page
    assert "<title>Allemagne : " in french_page or "<title>Allemagne: Signé" in french_page
    assert "Retrait ou fin de la couverture" in french_page
    assert "Période du relevé" in french_page
    assert "AECG" in re.search(r'<title id="tl-title">.*?</title>', french_page, re.S)[0]
    assert english_again == english_page


def test_search_finds_reference_data_by_either_languages_name(client, dossier):
    def found(q, language="fr"):
        with translation.override(language):
            response = client.get(reverse("search"), {"q": q})
        assert response.status_code == 200
        context = response.context
        return (
            [a.slug for a in context["actors"]],
            [a.slug for a in context["agreements"]],
            [e.slug for e in context["events"]],
        )

    assert found("AECG") == ([], ["ceta"], [])
    assert found("AECG", "en") == ([], ["ceta"], [])
    assert found("Union europeenne") == (["european-union"], [], [])
    assert found("European Union") == (["european-union"], [], [])
    assert found("sommet") == ([], [], ["summit"])
    with translation.override("fr"):
        html = client.get(reverse("search"), {"q": "allemagne"}).content.decode()
    assert '<a href="/fr/actors/germany/">Allemagne</a>' in html


def test_french_values_are_escaped_on_every_public_page(client):
    actor = ActorFactory(
        name="Hostile", slug="hostile", name_fr=HOSTILE, short_name_fr=HOSTILE, summary_fr=HOSTILE
    )
    agreement = AgreementFactory(
        title="Hostile pact",
        slug="hostile-pact",
        title_fr=HOSTILE,
        short_name_fr=HOSTILE,
        summary_fr=HOSTILE,
        signed_on=datetime.date(2016, 10, 30),
        signed_place_fr=HOSTILE,
    )
    party = PartyFactory(agreement=agreement, actor=actor, role="prospective", note_fr=HOSTILE)
    PartyActionFactory(party=party, kind=PartyAction.Kind.SIGNATURE)
    event = EventFactory(
        title="Hostile event",
        slug="hostile-event",
        title_fr=HOSTILE,
        summary_fr=HOSTILE,
        place_name_fr=HOSTILE,
        country=actor,
    )
    event.agreements.add(agreement)
    ParticipationFactory(event=event, actor=actor)
    briefing = BriefingFactory(slug="hostile-briefing")
    briefing.actors.add(actor)
    briefing.agreements.add(agreement)
    briefing.events.add(event)

    with translation.override("fr"):
        urls = [
            actor.get_absolute_url(),
            agreement.get_absolute_url(),
            event.get_absolute_url(),
            briefing.get_absolute_url(),
            reverse("actors:index"),
            reverse("agreements:index"),
            reverse("events:index"),
            reverse("search") + "?q=hostile",
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert "<script>alert(1)" not in html, url
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
