import datetime
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from briefings.actors.models import Actor, Membership, Office, OfficeTerm
from briefings.agreements import statuschange
from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction
from briefings.digests.models import Subscriber
from briefings.events.models import Event
from briefings.newsroom.models import Briefing, Contributor, KeyFigure, Transition
from tests.factories import CETA_NOT_RATIFIED, editor, role
from tests.support import wait_until

pytestmark = pytest.mark.django_db


# The deposits of the fact sheet, as the ratification table must show them.
DEPOSITS = {
    "Latvia": "2017-03-09",
    "Denmark": "2017-06-01",
    "Malta": "2017-07-26",
    "Croatia": "2017-11-09",
    "Estonia": "2017-11-10",
    "Czechia": "2017-11-16",
    "Spain": "2017-12-13",
    "Portugal": "2018-01-31",
    "Lithuania": "2018-05-17",
    "Sweden": "2018-10-09",
    "United Kingdom": "2018-11-08",
    "Finland": "2019-01-03",
    "Austria": "2019-05-23",
    "Slovakia": "2019-11-28",
    "Luxembourg": "2020-06-10",
    "Romania": "2020-12-02",
    "Netherlands": "2022-11-23",
    "Germany": "2023-08-09",
}


def load(*args):
    out, err = StringIO(), StringIO()
    call_command("load_demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot():
    """Every row of every table the loader may touch, so a second run can be compared."""
    labels = {"actors", "agreements", "events", "newsroom", "taggit", "auth"}
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in labels:
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


@pytest.fixture(autouse=True)
def roles(db):
    """The role groups the loader assigns, gone if an earlier transactional test flushed them."""
    role("writer")
    role("editor")


@pytest.fixture
def demo():
    return load()


def test_a_second_run_changes_nothing(demo):
    before = snapshot()
    assert sum(len(r) for r in before.values()) > 500

    out, _ = load()

    assert snapshot() == before
    assert "created" not in out and "updated" not in out
    assert "briefings: 5 left as they are" in out


def test_the_dossier_is_complete(demo):
    assert Actor.objects.states().count() == 34
    assert (
        Membership.objects.filter(organisation__slug="european-union", role="member").count() == 28
    )
    assert Agreement.objects.count() == 8
    assert Event.objects.count() == 6
    assert Briefing.objects.count() == 6  # five in English, the pact's in French too
    out, _ = demo
    assert "actors: 45 created" in out


def test_ceta_ten_member_states_have_not_ratified(demo):
    eu_members = Membership.objects.current().filter(
        organisation__slug="european-union", role=Membership.Role.MEMBER
    )
    assert eu_members.count() == 27
    pending = Party.objects.not_bound().filter(
        agreement__slug="ceta", actor__in=eu_members.values("member")
    )

    assert sorted(pending.values_list("actor__name", flat=True)) == CETA_NOT_RATIFIED
    ratified = Party.objects.bound().filter(
        agreement__slug="ceta", actor__in=eu_members.values("member")
    )
    assert ratified.count() == 17


def test_ceta_record(demo):
    ceta = Agreement.objects.get(slug="ceta")
    assert ceta.status == Agreement.Status.PROVISIONAL
    assert ceta.signed_on == datetime.date(2016, 10, 30)
    assert ceta.provisionally_applied_on == datetime.date(2017, 9, 21)
    parties = ceta.party_records.prefetch_related("actions")
    assert parties.count() == 30  # Canada, the EU, the 27 and the United Kingdom
    assert all(p.signature.date == datetime.date(2016, 10, 30) for p in parties)
    assert {p.actor.slug for p in parties if p.status == Party.Status.PROVISIONAL} == {
        "canada",
        "european-union",
    }

    deposits = PartyAction.objects.filter(party__agreement=ceta, kind="ratification")
    assert {
        name: date.isoformat() for name, date in deposits.values_list("party__actor__name", "date")
    } == DEPOSITS

    france = PartyAction.objects.get(
        party__agreement=ceta, party__actor__slug="france", kind="domestic_rejection"
    )
    assert france.date == datetime.date(2024, 3, 21)
    assert "211–44" in france.note
    dutch = PartyAction.objects.filter(
        party__agreement=ceta, party__actor__slug="netherlands"
    ).order_by("date")
    assert list(dutch.values_list("kind", "date")) == [
        ("signature", datetime.date(2016, 10, 30)),
        ("domestic_approval", datetime.date(2022, 7, 12)),
        ("ratification", datetime.date(2022, 11, 23)),
    ]
    uk = PartyAction.objects.get(
        party__agreement=ceta, party__actor__slug="united-kingdom", kind="ratification"
    )
    assert uk.date == datetime.date(2018, 11, 8)
    assert "then an EU member state" in uk.note


def test_the_pact(demo):
    pact = Agreement.objects.get(slug="eu-canada-security-and-defence-partnership")
    assert set(pact.parties.values_list("name", flat=True)) == {"Canada", "European Union"}
    assert pact.signed_display == "23 June 2025"
    assert AgreementRelation.objects.filter(
        source=pact, target__slug="eu-uk-security-and-defence-partnership", kind="mirrors"
    ).exists()
    participation = Agreement.objects.get(slug="canada-eu-safe-participation-agreement")
    assert participation.status == Agreement.Status.NEGOTIATING
    assert participation.relations_out.filter(target__slug="safe", kind="implements").exists()
    safe = Agreement.objects.get(slug="safe")
    assert safe.party_records.get(actor__slug="canada").role == Party.Role.PROSPECTIVE


def test_offices_and_memberships(demo):
    pm = Office.objects.get(title="Prime Minister of Canada")
    assert pm.current_holder.name == "Mark Carney"
    term = OfficeTerm.objects.current().get(office=pm)
    assert term.start_display == "2025"
    commission = Office.objects.get(title="President of the European Commission")
    assert commission.current_holder.name == "Ursula von der Leyen"
    assert OfficeTerm.objects.filter(person__slug="donald-trump").count() == 2

    uk = Membership.objects.get(member__slug="united-kingdom", organisation__slug="european-union")
    assert uk.end_date == datetime.date(2020, 1, 31)
    assert (
        Membership.objects.current()
        .filter(member__slug="canada", organisation__slug="nato")
        .exists()
    )
    institutions = Membership.objects.filter(
        organisation__slug="european-union", role=Membership.Role.INSTITUTION
    )
    assert set(institutions.values_list("member__name", flat=True)) == {
        "European Commission",
        "European Council",
    }
    canada = Actor.objects.get(slug="canada")
    assert (canada.iso_alpha2, canada.iso_alpha3, canada.wikidata_qid) == ("CA", "CAN", "Q16")


def test_events(demo):
    summit = Event.objects.get(slug="eu-canada-summit-2025")
    assert summit.date_display == "23 June 2025"
    visit = Event.objects.get(slug="schoonselhof-visit-2025")
    assert visit.start_date == summit.start_date - datetime.timedelta(days=1)
    assert summit.place_display == "Brussels, Belgium"
    signing = Event.objects.get(slug="signing-eu-canada-security-and-defence-partnership")
    assert signing.parent == summit
    assert set(signing.participants.values_list("name", flat=True)) == {
        "Mark Carney",
        "Ursula von der Leyen",
        "António Costa",
    }
    visit = Event.objects.get(slug="schoonselhof-visit-2025")
    assert "Antwerp" in visit.place_name and visit.country.name == "Belgium"
    roles = dict(visit.participations.values_list("actor__name", "role"))
    assert roles == {
        "Mark Carney": "visitor",
        "Diana Fox Carney": "visitor",
        "Bart De Wever": "host",
    }


def test_accents_and_euro_round_trip(demo):
    assert Actor.objects.get(slug="antonio-costa").name == "António Costa"
    assert KeyFigure.objects.filter(value="€150 billion").exists()
    assert KeyFigure.objects.filter(value="€125 billion").exists()
    assert KeyFigure.objects.get(value="1.37%", briefing__status="draft").unit == "of GDP"


def test_one_draft_one_scheduled_the_rest_published(demo):
    assert Briefing.objects.filter(status=Briefing.Status.DRAFT).count() == 1
    scheduled = Briefing.objects.get(status=Briefing.Status.SCHEDULED)
    assert (
        timezone.now()
        < scheduled.publish_at
        <= timezone.now() + datetime.timedelta(minutes=3, seconds=5)
    )
    assert list(scheduled.transitions.values_list("from_status", "to_status")) == [
        ("draft", "review"),
        ("review", "scheduled"),
    ]
    published = Briefing.objects.published()
    assert published.count() == 4
    assert set(published.values_list("status", flat=True)) == {"published"}
    assert all(b.publish_at < timezone.now() - datetime.timedelta(days=30) for b in published)
    later = timezone.now() + datetime.timedelta(minutes=4)
    assert Briefing.objects.published(now=later).count() == 5


def test_briefings_are_written_tagged_and_linked(demo):
    for briefing in Briefing.objects.all():
        words = len(briefing.body.split())
        assert 300 <= words <= 600, (briefing.slug, words)
        assert briefing.body.count("\n## ") >= 2
        assert len(briefing.dek) <= 400
        assert briefing.tags.exists()
        assert briefing.byline()
        assert briefing.actors.exists() and briefing.agreements.exists()
        assert briefing.events.exists()
        assert briefing.key_figures.exists() and briefing.sources.exists()
    published = Briefing.objects.filter(status="published")
    for briefing in published:
        assert list(briefing.transitions.values_list("to_status", flat=True)) == [
            "review",
            "published",
        ]
    pact = Briefing.objects.get(slug="canada-eu-sign-security-and-defence-partnership")
    assert "the most European of the non-European countries" in pact.body
    assert {"defence", "Canada", "European Union"} <= set(pact.tags.names())


def test_a_published_scheduled_briefing_is_not_rescheduled(demo):
    scheduled = Briefing.objects.get(status=Briefing.Status.SCHEDULED)
    # What the worker does at the due time.
    Briefing.objects.filter(pk=scheduled.pk).update(
        publish_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    scheduled.refresh_from_db()
    scheduled.transition(Briefing.Status.PUBLISHED, by=None)

    load()

    scheduled.refresh_from_db()
    assert scheduled.status == Briefing.Status.PUBLISHED
    assert not Briefing.objects.filter(status=Briefing.Status.SCHEDULED).exists()
    assert Transition.objects.filter(briefing=scheduled).count() == 3


def test_only_published_demo_briefings_reach_the_public_site(demo, client):
    homes = {code: client.get(f"/{code}/").content.decode() for code in ("en", "fr")}
    for briefing in Briefing.objects.all():
        response = client.get(briefing.get_absolute_url())
        home = homes[briefing.language]
        if briefing.status == Briefing.Status.PUBLISHED:
            assert response.status_code == 200
            with translation.override(briefing.language):
                figure = briefing.key_figures.first().display_value()
            assert escape(figure) in response.content.decode()
            assert f'href="{briefing.get_absolute_url()}"' in home
        else:
            assert response.status_code == 404
            assert briefing.get_absolute_url() not in home


def test_an_editor_opens_the_pact_and_ceta_in_the_admin(demo, client):
    client.force_login(editor())
    for slug in ["eu-canada-security-and-defence-partnership", "ceta"]:
        agreement = Agreement.objects.get(slug=slug)
        response = client.get(reverse("admin:agreements_agreement_change", args=[agreement.pk]))
        assert response.status_code == 200
        assert "European Union" in response.content.decode()
    scheduled = Briefing.objects.get(status=Briefing.Status.SCHEDULED)
    response = client.get(reverse("admin:newsroom_briefing_change", args=[scheduled.pk]))
    assert response.status_code == 200


def test_dev_users_in_debug(settings):
    settings.DEBUG = True
    out, _ = load()
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    editor = User.objects.get(username="editor")
    writer = User.objects.get(username="writer")
    assert editor.check_password("editor-dev-only") and editor.is_staff
    assert editor.has_perm("newsroom.publish_briefing")
    assert writer.groups.filter(name="writer").exists()
    assert not writer.has_perm("newsroom.publish_briefing")
    assert "admin / admin-dev-only" in out
    # The writer's and the editor's own bylines, preselected on what they start.
    assert Contributor.objects.get(user=writer).name == "Dev Writer"
    assert Contributor.objects.get(user=editor).slug == "dev-editor"
    assert not Contributor.objects.filter(user__username="admin").exists()

    editor.set_password("changed-locally")
    editor.save()
    out, _ = load()
    editor.refresh_from_db()
    assert editor.check_password("changed-locally")
    assert "editor: exists, password left unchanged" in out


def test_no_dev_users_without_debug(settings):
    settings.DEBUG = False
    _, err = load()
    assert not get_user_model().objects.filter(username__in=["admin", "editor", "writer"]).exists()
    assert "--with-dev-users" in err
    assert Briefing.objects.count() == 6

    load("--with-dev-users")
    assert get_user_model().objects.filter(username__in=["admin", "editor", "writer"]).count() == 3


def test_demo_authors_cannot_log_in(demo):
    accounts = get_user_model().objects.filter(contributor__credits__isnull=False).distinct()
    assert accounts.count() == 2
    for author in accounts:
        assert not author.has_usable_password()


def test_demo_bylines_are_contributors_with_bios(demo):
    people = {c.name: c for c in Contributor.objects.all()}
    assert set(people) == {"Hélène Marchand", "Daniel Okafor"}
    for contributor in people.values():
        assert contributor.role and len(contributor.bio) > 100
    bylines = {b.slug: [c.name for c in b.byline()] for b in Briefing.objects.all()}
    assert ["Daniel Okafor", "Hélène Marchand"] in bylines.values()
    load()  # a second run changes nothing
    assert Contributor.objects.count() == 2


def test_bad_schedule_option_is_refused_and_nothing_is_loaded():
    with pytest.raises(CommandError, match="positive number of minutes"):
        load("--publish-in", "0")
    with pytest.raises(CommandError, match="invalid float value"):
        load("--publish-in", "soon")
    assert not Actor.objects.exists()


def test_a_bad_record_stops_the_load_and_loses_nothing(demo, monkeypatch):
    from briefings.demo import dossier as demo_dossier

    before = snapshot()
    bad = {"slug": "new-actor", "name": "New actor", "kind": "person", "wikidata_qid": "16"}
    monkeypatch.setattr(demo_dossier, "ACTORS", [*demo_dossier.ACTORS, bad])
    # An update that comes before the bad record must be rolled back with it.
    monkeypatch.setitem(demo_dossier.STATE_SUMMARIES, "Austria", "An edited summary.")

    with pytest.raises(CommandError, match=r"not loaded.*Wikidata item id"):
        load()

    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_publishes_the_scheduled_briefing_and_a_reload_keeps_it(celery_worker, roles):
    load("--publish-in", "0.15")  # nine seconds: the load itself took over three under load
    scheduled = Briefing.objects.get(status=Briefing.Status.SCHEDULED)
    assert not Briefing.objects.published().filter(pk=scheduled.pk).exists()

    wait_until(
        lambda: Briefing.objects.filter(pk=scheduled.pk, status="published").exists(),
        timeout=30,
        message="the worker to publish the scheduled briefing",
    )
    load()

    scheduled.refresh_from_db()
    assert scheduled.status == Briefing.Status.PUBLISHED
    assert scheduled.first_published_at == scheduled.publish_at
    published = scheduled.transitions.filter(to_status="published")
    assert published.count() == 1 and published.get().by is None


def test_demo_readers_follow_ceta_so_italys_ratification_has_someone_to_alert(settings):
    """The Done-when walk on the demo: Italy has not ratified CETA, three readers would hear."""
    settings.DEBUG = True
    out, _ = load()
    italy = Party.objects.get(agreement__slug="ceta", actor__slug="italy")
    assert italy.status != Party.Status.BOUND
    assert statuschange.audience(italy) == 3
    assert "ceta-watcher@readers.example: follows CETA" in out

    out, _ = load()
    assert "ceta-watcher@readers.example: exists, left unchanged" in out
    assert Subscriber.objects.count() == 3


def test_ceta_bound_on_1_january_2019_are_the_deposits_before_it(demo):
    as_of = datetime.date(2019, 1, 1)
    expected = {name for name, date in DEPOSITS.items() if date < as_of.isoformat()}
    parties = Party.objects.filter(agreement__slug="ceta").select_related("actor")
    bound = parties.bound(as_of)
    assert {p.actor.name for p in bound} == expected
    assert len(expected) == 11 and "United Kingdom" in expected and "Finland" not in expected
    derived = {
        p.actor.name
        for p in parties.prefetch_related("actions")
        if p.status_on(as_of).status == "bound"
    }
    assert derived == expected


def test_the_united_kingdom_is_no_longer_covered_by_ceta(demo):
    uk = Party.objects.prefetch_related("actions").get(
        agreement__slug="ceta", actor__slug="united-kingdom"
    )
    assert uk.status == Party.Status.CEASED
    assert not Party.objects.bound().filter(pk=uk.pk).exists()
    ceta = Agreement.objects.with_party_counts().get(slug="ceta")
    assert (ceta.party_count, ceta.bound_count, ceta.ended_count) == (30, 17, 1)


def test_instruments_no_party_ratifies_say_so(demo):
    safe = Agreement.objects.get(slug="safe")
    assert not safe.needs_ratification
    assert safe.adopted_display == "27 May 2025"
    assert Agreement.objects.get(slug="ceta").needs_ratification


def test_the_pact_briefing_has_a_credited_lead_image(demo, client):
    briefing = Briefing.objects.get(slug="canada-eu-sign-security-and-defence-partnership")
    image = briefing.lead_image
    assert image is not None
    assert (image.credit, image.licence) == ("Illustration: Briefing Desk", "CC BY 4.0")
    assert image.alt_text and (image.width, image.height) == (2400, 1350)
    html = client.get(briefing.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="{image.absolute_url("social-1200.jpeg")}">' in html
    assert "Illustration: Briefing Desk (CC BY 4.0)" in html
    assert client.get(image.rendition_url("wide-960.webp")).status_code == 200


def test_cetas_map_sets_the_ten_states_apart_and_the_uk_as_no_longer_covered(demo, client):
    """Issue 15's walk on the demo: the page's map, from the record as the dossier loads it."""
    html = client.get("/en/agreements/ceta/").content.decode()
    drawn = dict(
        (iso, status)
        for status, iso in re.findall(r'class="map-party st-(\w+)" data-iso="(\w{3})"', html)
    )
    not_ratified = Party.objects.filter(
        agreement__slug="ceta", actor__name__in=CETA_NOT_RATIFIED
    ).values_list("actor__iso_alpha3", flat=True)
    assert len(not_ratified) == 10
    assert {drawn[iso] for iso in not_ratified} == {"signed"}
    assert drawn["GBR"] == "ceased"
    assert sum(status == "bound" for status in drawn.values()) == 17
    timeline = html[html.index('<figure class="action-timeline"') :]
    years = re.findall(r'class="tl-year"[^>]*>(\d{4})<', timeline)
    assert years[0] == "2016" and years[-1] >= "2023"


def test_the_reference_data_reads_in_french(demo, client):
    with translation.override("fr"):
        ceta = Agreement.objects.get(slug="ceta")
        assert (ceta.display_name, ceta.title_i18n) == (
            "AECG",
            "Accord économique et commercial global",
        )
        assert Actor.objects.get(slug="european-union").name_i18n == "Union européenne"
        assert Actor.objects.get(slug="germany").name_i18n == "Allemagne"
        assert Office.objects.get(title="Prime Minister of Canada").title_i18n == (
            "Premier ministre du Canada"
        )
        assert Event.objects.get(slug="eu-canada-summit-2025").place_display == (
            "Bruxelles, Belgique"
        )
        uk = Party.objects.get(agreement=ceta, actor__slug="united-kingdom")
        assert uk.note_i18n.startswith("A quitté l'UE en 2020")
        html = client.get(ceta.get_absolute_url()).content.decode()
    assert "<h1>Accord économique et commercial global" in html
    assert "Italie" in html and "Royaume-Uni" in html
    assert [a.slug for a in Actor.objects.search("Union europeenne")] == ["european-union"]


def test_the_pact_briefing_has_its_own_french_version(demo, client):
    pact = Briefing.objects.get(slug="canada-eu-sign-security-and-defence-partnership")
    french = Briefing.objects.get(translation_of=pact)
    assert (french.language, french.status) == ("fr", Briefing.Status.PUBLISHED)
    assert french.slug == "le-canada-et-l-ue-concluent-un-partenariat-de-securite-et-de-defense"
    assert french.headline.startswith("Le Canada et l'Union européenne")
    assert "« le plus européen des pays non européens »" in french.body
    assert "AECG" in french.body and "CETA" not in french.body
    assert french.lead_image == pact.lead_image is not None
    assert not french.original_changed_since_translation
    assert set(french.actors.all()) == set(pact.actors.all())

    with translation.override("fr"):
        page = client.get(french.get_absolute_url()).content.decode()
    assert "150 milliards d&#x27;euros" in page
    assert f'href="{pact.get_absolute_url()}"' in page and "Read in English" in page
    english = client.get(pact.get_absolute_url()).content.decode()
    assert f'href="{french.get_absolute_url()}"' in english and "Lire en français" in english
    assert french.get_absolute_url().startswith("/fr/")
