import datetime

import pytest
from django.db import IntegrityError, transaction

from briefings.events.models import Event, Participation
from tests.factories import ActorFactory, AgreementFactory, EventFactory, ParticipationFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def violates(constraint):
    return pytest.raises(IntegrityError, match=constraint)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"start_date": D(2025, 6, 23), "end_date": D(2025, 6, 22)}, "event_end_after_start"),
        ({"start_date": D(2025, 6, 23), "start_precision": "month"}, "event_start_normalised"),
        (
            {"start_date": D(2025, 1, 1), "end_date": D(2025, 6, 2), "end_precision": "month"},
            "event_end_normalised",
        ),
        ({"start_date": D(2025, 6, 1), "start_precision": "year"}, "event_start_normalised"),
    ],
)
def test_event_checks(fields, constraint):
    with violates(constraint), transaction.atomic():
        Event.objects.create(title="Summit", slug="summit", kind="summit", **fields)


def test_event_cannot_be_its_own_parent():
    summit = EventFactory()
    with violates("event_not_own_parent"), transaction.atomic():
        Event.objects.filter(pk=summit.pk).update(parent=summit)


def test_event_slug_is_unique():
    EventFactory(slug="eu-canada-summit-2025")
    with violates("events_event_slug"), transaction.atomic():
        Event.objects.bulk_create(
            [
                Event(
                    title="Again",
                    slug="eu-canada-summit-2025",
                    kind="summit",
                    start_date=D(2025, 6, 23),
                )
            ]
        )


def test_one_participation_per_actor_and_role():
    participation = ParticipationFactory(role="host")
    with violates("participation_unique_role"), transaction.atomic():
        Participation.objects.create(
            event=participation.event, actor=participation.actor, role="host"
        )
    Participation.objects.create(
        event=participation.event, actor=participation.actor, role="signatory"
    )


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"start_date": D(2025, 6, 23)}, "23 June 2025"),
        ({"start_date": D(2025, 6, 1), "start_precision": "month"}, "June 2025"),
        ({"start_date": D(2014, 1, 1), "start_precision": "year"}, "2014"),
        ({"start_date": D(2025, 6, 24), "end_date": D(2025, 6, 25)}, "24 June 2025 – 25 June 2025"),
        ({"start_date": D(2025, 6, 23), "end_date": D(2025, 6, 23)}, "23 June 2025"),
    ],
)
def test_dates_print_with_their_precision(fields, shown):
    event = EventFactory(**fields)
    event.refresh_from_db()
    assert event.date_display == shown


def test_place_display_and_accents_round_trip():
    belgium = ActorFactory(name="Belgium", iso_alpha2="BE")
    event = EventFactory(
        title="Commémoration à Schoonselhof — €0 budget",
        place_name="Schoonselhof, Antwerpen",
        country=belgium,
    )
    event.refresh_from_db()
    assert event.title == "Commémoration à Schoonselhof — €0 budget"
    assert event.place_display == "Schoonselhof, Antwerpen, Belgium"


def test_upcoming_and_past():
    today = D(2025, 6, 23)
    past = EventFactory(start_date=D(2025, 6, 22))
    held_today = EventFactory(start_date=today)
    future = EventFactory(start_date=D(2025, 7, 1), status="scheduled")
    EventFactory(start_date=D(2025, 7, 2), status="cancelled")
    assert set(Event.objects.upcoming(today)) == {held_today, future}
    assert set(Event.objects.past(today)) == {past}


def test_a_signing_inside_a_summit_with_its_agreement_and_participants():
    summit = EventFactory(title="EU–Canada summit")
    pact = AgreementFactory(short_name="SDP")
    signing = EventFactory(title="Signing", kind="signing", parent=summit)
    signing.agreements.add(pact)
    canada = ActorFactory(name="Canada")
    ParticipationFactory(event=signing, actor=canada, role="signatory")
    assert list(summit.children.all()) == [signing]
    assert list(pact.events.all()) == [signing]
    assert list(canada.events.all()) == [signing]
