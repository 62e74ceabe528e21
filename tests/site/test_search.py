"""Full-text search over published briefings: ranked, stemmed, unaccented, highlighted, safe."""

import pytest
from django.db import connection, transaction

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.events.models import Event
from briefings.newsroom.models import Briefing
from briefings.newsroom.search import SNIPPET_CHARS, sentence_snippet, steered_planner
from briefings.site.views.search import SearchPaginator
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    DraftFactory,
    EventFactory,
)

pytestmark = pytest.mark.django_db


def results(client, q):
    response = client.get("/en/search/", {"q": q})
    assert response.status_code == 200
    return response, [b.headline for b in response.context["page"]]


def test_accents_are_ignored_both_ways(client):
    BriefingFactory(headline="António Costa welcomes Canada", body="Remarks in Brussels.")

    assert results(client, "Antonio")[1] == ["António Costa welcomes Canada"]
    assert results(client, "ANTÓNIO")[1] == ["António Costa welcomes Canada"]


def test_words_are_stemmed(client):
    BriefingFactory(headline="Ten states still block it", body="The ratification of CETA stalls.")

    assert results(client, "ratify")[1] == ["Ten states still block it"]
    assert results(client, "ratified")[1] == ["Ten states still block it"]


def test_a_word_with_no_ending_to_fold_is_matched_whole(client):
    BriefingFactory(headline="Talks in Kyiv", body="Ministers met.")
    BriefingFactory(headline="A Kyivan view", body="Editors wrote.")

    assert results(client, "Kyiv")[1] == ["Talks in Kyiv"]
    assert results(client, "ratified Kyiv")[1] == []


def test_headline_outranks_dek_outranks_body(client):
    BriefingFactory(headline="Body mention", body="Procurement reform is coming.")
    BriefingFactory(headline="Procurement at the centre", body="Nothing else.")
    BriefingFactory(headline="Dek mention", dek="Procurement is the point.")

    assert results(client, "procurement")[1] == [
        "Procurement at the centre",
        "Dek mention",
        "Body mention",
    ]


def test_tag_actor_and_agreement_names_are_searchable(client):
    briefing = BriefingFactory(headline="Wreath laid in Antwerp", tags=["commemoration"])
    briefing.actors.add(ActorFactory(name="Diana Fox Carney"))
    briefing.agreements.add(AgreementFactory(title="Security Action for Europe", short_name="SAFE"))

    for q in ["commemoration", "Diana Fox", "SAFE", "security action"]:
        assert results(client, q)[1] == ["Wreath laid in Antwerp"], q


def test_index_follows_renames_and_link_changes(client):
    briefing = BriefingFactory(headline="A quiet day", tags=["maritime"])
    actor = ActorFactory(name="Norway")
    briefing.actors.add(actor)
    assert results(client, "Norway")[1] == ["A quiet day"]

    actor.name = "Kingdom of Norway"
    actor.save()
    assert results(client, "kingdom")[1] == ["A quiet day"]

    briefing.actors.remove(actor)
    assert results(client, "kingdom")[1] == []

    briefing.tags.remove("maritime")
    assert results(client, "maritime")[1] == []

    briefing.headline = "A busy day"
    briefing.save()
    assert results(client, "busy")[1] == ["A busy day"]


def test_unpublished_briefings_are_never_found(client):
    DraftFactory(headline="Schoonselhof draft", tags=["schoonselhof"])
    BriefingFactory(headline="Schoonselhof visit")

    response, found = results(client, "schoonselhof")

    assert found == ["Schoonselhof visit"]
    assert "draft" not in response.content.decode().lower().split("<main")[1]


def test_snippets_highlight_matches_and_escape_everything_else(client):
    BriefingFactory(
        headline="Wreath",
        body="At the <b>Schoonselhof</b> cemetery <script>alert(1)</script> R&D, 348 soldiers.",
    )

    page = client.get("/en/search/", {"q": "cemetery"}).content.decode()

    assert "<mark>cemetery</mark>" in page
    assert "<script>alert(1)</script>" not in page
    assert "R&amp;D" in page


def test_matching_actors_and_agreements_are_listed_beside(client):
    ActorFactory(name="António Costa", slug="antonio-costa")
    AgreementFactory(title="Comprehensive Economic and Trade Agreement", short_name="CETA")

    costa = client.get("/en/search/", {"q": "antonio costa"})
    ceta = client.get("/en/search/", {"q": "ceta"})

    assert [a.name for a in costa.context["actors"]] == ["António Costa"]
    assert 'href="/en/actors/antonio-costa/"' in costa.content.decode()
    assert [a.short_name for a in ceta.context["agreements"]] == ["CETA"]


@pytest.mark.parametrize(
    "q", ['"unbalanced', "a & | ! b", "'; DROP TABLE x; --", "(((", "-", "x" * 5000, "\x00"]
)
def test_odd_queries_answer_calmly(client, q):
    BriefingFactory(headline="Something")

    response = client.get("/en/search/", {"q": q})

    assert response.status_code in (200, 400)
    assert Briefing.objects.count() == 1


def test_empty_query_shows_the_form(client):
    response = client.get("/en/search/")

    assert response.status_code == 200
    assert response.context["page"] is None
    assert 'id="search-q"' in response.content.decode()


def test_search_uses_the_gin_index():
    BriefingFactory.create_batch(3)
    sql, params = Briefing.objects.search("pact").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")

    assert "briefing_search_idx" in plan, plan


@pytest.mark.django_db(transaction=True)
def test_steered_planner_lasts_only_its_transaction():
    def setting(name):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s)", [name])
            return cursor.fetchone()[0]

    with steered_planner():
        steered = [setting(name) for name in ("enable_seqscan", "jit", "cpu_operator_cost")]
    assert steered == ["off", "off", "0.05"]
    assert setting("enable_seqscan") == "on"


def test_matching_events_are_listed_and_snippets_drop_markdown(client):
    EventFactory(title="Visit to the Schoonselhof military cemetery", slug="visit")
    BriefingFactory(headline="Wreath", body="## The ceremony\n\nAt **Schoonselhof**, a wreath.")

    response = client.get("/en/search/", {"q": "schoonselhof"})
    page = response.content.decode()

    assert [e.slug for e in response.context["events"]] == ["visit"]
    assert 'href="/en/events/visit/"' in page
    snippet = response.context["page"][0].body_snippet
    assert "##" not in snippet and "**" not in snippet
    assert "<mark>Schoonselhof</mark>" in snippet


def test_result_count_stops_at_the_limit(client, monkeypatch):
    monkeypatch.setattr(SearchPaginator, "limit", 2)
    for n in range(3):
        BriefingFactory(headline=f"Frigate order {n}")

    response, headlines = results(client, "frigate")

    assert len(headlines) == 3
    assert "2+ briefings for" in response.content.decode()


def test_ranking_reads_headline_dek_and_names_only(client):
    """A body full of the word never outranks a headline that names it once."""
    BriefingFactory(headline="Shipyard deal", body="Nothing else.")
    BriefingFactory(headline="Budget notes", body="Shipyard. " * 30)  # the newer one

    assert results(client, "shipyard")[1] == ["Shipyard deal", "Budget notes"]


def test_names_match_accents_both_ways_and_wildcards_literally(client):
    ActorFactory(name="António Costa", slug="antonio-costa")
    ActorFactory(name="Jose Manuel Albares", slug="albares")
    EventFactory(title="Summit in Brussels", place_name="Bruxelles", slug="summit")
    EventFactory(title="50% tariff talks", slug="tariffs")

    def names(q):
        response = client.get("/en/search/", {"q": q})
        return [a.slug for a in response.context["actors"]], [
            e.slug for e in response.context["events"]
        ]

    assert names("antonio")[0] == ["antonio-costa"]
    assert names("José")[0] == ["albares"]
    assert names("BRUXELLES")[1] == ["summit"]
    assert names("%")[1] == ["tariffs"]
    assert names("_") == ([], [])


@pytest.mark.parametrize(
    ("model", "index"),
    [
        (Actor, "actor_name_trgm_idx"),
        (Agreement, "agreement_short_name_trgm_idx"),
        (Event, "event_title_trgm_idx"),
    ],
)
def test_name_search_reads_the_trigram_indexes(model, index):
    """The accent-folded name search is served by an index: it scanned every event before."""
    sql, params = model.objects.search("Antónïo").order_by().query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert index in plan, plan


def test_snippets_come_from_the_lede_but_matches_from_the_whole_body(client):
    lede = "Ministers met in Brussels. " * (SNIPPET_CHARS // 27 + 1)
    BriefingFactory(headline="Long read", body=f"{lede}\n\nA word on Schoonselhof at the end.")
    BriefingFactory(headline="Short read", body="Schoonselhof, first thing.")

    response, headlines = results(client, "schoonselhof")
    snippets = {b.headline: b.body_snippet for b in response.context["page"]}

    assert sorted(headlines) == ["Long read", "Short read"]
    assert "<mark>Schoonselhof</mark>" in snippets["Short read"]
    assert snippets["Long read"].startswith("Ministers met in Brussels")


MARKS = ("[", "]")


@pytest.mark.parametrize(
    ("snippet", "source", "expected"),
    [
        # Starts at the text's start and ends at a sentence's end: as it is.
        ("The [pact] was signed.", "The pact was signed. Then", "The [pact] was signed."),
        # Mid-sentence in lower case, no sentence start before the match: an ellipsis.
        (
            "signed the [pact] in",
            "Leaders signed the pact in Brussels.",
            "… signed the [pact] in …",
        ),
        # Mid-sentence, but a sentence starts before the match: it starts there.
        (
            "in Brussels. Ottawa then [ratified] it.",
            "Leaders met in Brussels. Ottawa then ratified it.",
            "Ottawa then [ratified] it.",
        ),
        # A capitalised word inside a sentence is not a sentence start.
        (
            "Canada and the [EU] agreed",
            "Both Canada and the EU agreed.",
            "… Canada and the [EU] agreed …",
        ),
        # After a paragraph break (a heading has no full stop) a fragment opens a sentence.
        ("the [SAFE] fund", "Money\nthe SAFE fund grows", "the [SAFE] fund …"),
        # Two fragments: each gets its own ellipses, never two in a row.
        (
            "one [pact] … two [pact] more",
            "Here is one pact here, and then two pact more",
            "… one [pact] … two [pact] more",
        ),
        # Not found in the source (whitespace folded): judged on the fragment alone.
        ("defence [pact]", "other text", "… defence [pact] …"),
        ("", "anything", ""),
    ],
)
def test_snippets_start_at_a_sentence_or_with_an_ellipsis(snippet, source, expected):
    assert sentence_snippet(snippet, source, MARKS) == expected


def test_search_snippets_never_start_mid_sentence_unmarked(client):
    BriefingFactory(
        headline="Mid",
        body="The ministers of the member states have met for hours in a long and tiring "
        "session of talks in Brussels, and they finally agreed to open the security and "
        "defence partnership to Canada after much debate about the procurement rules and "
        "the shares of the fund that go to firms outside the union.",
    )
    BriefingFactory(
        headline="Second",
        body="Talks dragged on for weeks and nobody wanted to give way on the rules. "
        "Ottawa pressed for a deal on procurement.",
    )
    response, headlines = results(client, "procurement")
    snippets = {b.headline: str(b.body_snippet) for b in response.context["page"]}
    assert sorted(headlines) == ["Mid", "Second"]
    assert snippets["Mid"].startswith("… ") and "<mark>procurement</mark>" in snippets["Mid"]
    assert snippets["Second"].startswith(("Talks dragged", "Ottawa pressed"))
    for text in snippets.values():
        assert text.startswith("… ") or text[0].isupper()
