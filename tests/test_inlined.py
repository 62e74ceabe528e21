"""Relations fetched inside their parent's query come back as the ORM would give them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from briefings.inlined import attach, inlined
from briefings.newsroom.models import Briefing
from tests.factories import ActorFactory, BriefingFactory, CorrectionFactory, KeyFigureFactory

pytestmark = pytest.mark.django_db

NAMES = ("actors", "tags", "key_figures", "corrections")


def test_inlined_relations_equal_prefetched_ones_in_one_query():
    briefing = BriefingFactory(tags=["defence", "arctic"])
    briefing.actors.add(ActorFactory(name="Zambia"), ActorFactory(name="Austria"))
    KeyFigureFactory(briefing=briefing, position=2, value="2")
    KeyFigureFactory(briefing=briefing, position=1, value="1")
    CorrectionFactory(briefing=briefing, text="A date was wrong.")
    expected = Briefing.objects.prefetch_related(*NAMES).get(pk=briefing.pk)

    with CaptureQueriesContext(connection) as queries:
        got = attach(inlined(Briefing.objects.filter(pk=briefing.pk), *NAMES).get(), *NAMES)
        for name in NAMES:
            assert list(getattr(got, name).all()) == list(getattr(expected, name).all())
    assert len(queries) == 1
    assert [a.name for a in got.actors.all()] == ["Austria", "Zambia"]  # Meta.ordering
    assert [k.value for k in got.key_figures.all()] == ["1", "2"]
    correction = got.corrections.get()
    assert correction.created_at == expected.corrections.get().created_at  # a real datetime
    assert correction.get_kind_display() == "Correction"


def test_no_rows_is_an_empty_relation():
    briefing = BriefingFactory()
    got = attach(inlined(Briefing.objects.filter(pk=briefing.pk), *NAMES).get(), *NAMES)
    assert [list(getattr(got, name).all()) for name in NAMES] == [[], [], [], []]
