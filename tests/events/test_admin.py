import datetime

import pytest

from briefings.events.models import Event, Participation
from tests.admin_support import admin_url, measure
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    EventFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db

BUDGET = 14


def busy_event(n, year):
    event = EventFactory(
        start_date=datetime.date(year, 6, 1),
        start_precision="month",
        country=ActorFactory(),
        parent=EventFactory(start_date=datetime.date(year, 5, 1)),
    )
    event.agreements.add(AgreementFactory())
    for _ in range(n):
        ParticipationFactory(event=event)
    return event


@pytest.mark.parametrize(
    "make",
    [lambda: busy_event(2, 2025), lambda: ParticipationFactory()],
    ids=["event", "participation"],
)
def test_every_page_loads_for_an_editor(editor_client, make):
    obj = make()
    model = type(obj)
    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(obj, "change", obj.pk),
        admin_url(obj, "delete", obj.pk),
    ]:
        assert editor_client.get(url).status_code == 200, url


def test_changelist_shows_partial_dates_places_and_participants(editor_client):
    canada = ActorFactory(name="Canada", short_name="")
    belgium = ActorFactory(name="Belgium")
    summit = EventFactory(
        title="EU–Canada summit",
        start_date=datetime.date(2025, 6, 1),
        start_precision="month",
        place_name="Brussels",
        country=belgium,
    )
    ParticipationFactory(event=summit, actor=canada, role="visitor")
    body = editor_client.get(admin_url(Event, "changelist")).content.decode()
    assert "June 2025" in body
    assert "Brussels, Belgium" in body
    assert "Canada" in body


def test_adding_an_event_with_a_participant(editor_client):
    canada = ActorFactory(name="Canada")
    response = editor_client.post(
        admin_url(Event, "add"),
        {
            "title": "Sommet UE–Canada",
            "slug": "sommet-ue-canada",
            "kind": "summit",
            "status": "held",
            "summary": "<script>alert(1)</script>",
            "start_date": "2025-06-23",
            "start_precision": "day",
            "end_precision": "day",
            "participations-TOTAL_FORMS": "1",
            "participations-INITIAL_FORMS": "0",
            "participations-0-actor": canada.pk,
            "participations-0-role": "visitor",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(slug="sommet-ue-canada")
    assert event.title == "Sommet UE–Canada"
    assert list(event.participants.all()) == [canada]
    body = editor_client.get(admin_url(event, "change", event.pk)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_end_before_start_is_a_form_error(editor_client):
    response = editor_client.post(
        admin_url(Event, "add"),
        {
            "title": "Backwards",
            "slug": "backwards",
            "kind": "summit",
            "status": "held",
            "start_date": "2025-06-23",
            "start_precision": "day",
            "end_date": "2025-06-22",
            "end_precision": "day",
            "participations-TOTAL_FORMS": "0",
            "participations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "The end date cannot be before the start date."
    ]
    assert not Event.objects.exists()


def test_a_month_precise_date_off_the_first_is_a_readable_form_error(editor_client):
    response = editor_client.post(
        admin_url(Event, "add"),
        {
            "title": "June summit",
            "slug": "june-summit",
            "kind": "summit",
            "status": "held",
            "start_date": "2025-06-23",
            "start_precision": "month",
            "end_precision": "day",
            "participations-TOTAL_FORMS": "0",
            "participations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "A date known to the month must be the 1st" in response.content.decode()
    assert not Event.objects.exists()


def test_event_changelist_queries_do_not_grow(editor_client, django_assert_max_num_queries):
    url = admin_url(Event, "changelist")
    busy_event(1, 2025)
    few = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    for year in range(1990, 2020):
        busy_event(3, year)
    many = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    assert few == many


def test_event_change_page_queries_do_not_grow(editor_client, django_assert_max_num_queries):
    event = busy_event(1, 2025)
    url = admin_url(event, "change", event.pk)
    few = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    for _ in range(30):
        ParticipationFactory(event=event)
        event.agreements.add(AgreementFactory())
        EventFactory(parent=event)
    many = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    assert few == many


def test_participation_changelist_queries_do_not_grow(editor_client, django_assert_max_num_queries):
    url = admin_url(Participation, "changelist")
    busy_event(1, 2025)
    few = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    for year in range(2000, 2010):
        busy_event(4, year)
    many = measure(editor_client, url, BUDGET, django_assert_max_num_queries)
    assert few == many


def test_change_page_lists_the_events_within(editor_client):
    summit = EventFactory(title="EU–Canada summit")
    EventFactory(title="Signing of the partnership", kind="signing", parent=summit)
    response = editor_client.get(admin_url(summit, "change", summit.pk))
    assert "Signing of the partnership" in response.content.decode()


def test_admin_search_finds_events_and_participations_by_french_names(editor_client):
    summit = EventFactory(title="EU–Canada summit", title_fr="Sommet UE–Canada")
    EventFactory(title="Vote")
    ParticipationFactory(event=summit, actor=ActorFactory(name="Belgium", name_fr="Belgique"))

    found = editor_client.get(admin_url(Event, "changelist"), {"q": "sommet"})
    assert list(found.context["cl"].result_list) == [summit]
    found = editor_client.get(admin_url(Participation, "changelist"), {"q": "Belgique"})
    assert [p.event for p in found.context["cl"].result_list] == [summit]
