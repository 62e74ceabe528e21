"""The briefings' full-text search: the vectors, the query, its ranking and its snippets.

BriefingQuerySet inherits `search()` and `update_search_vector()` from SearchableQuerySet;
a search page runs its query inside `steered_planner()`.
"""

import re
from contextlib import contextmanager

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import F, Func, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Coalesce, Left

# Endings the English stemmer does not fold the same way (ratify → ratifi, ratification →
# ratif); searching also by the root before them lets one form of a word find the others.
ENDINGS = ("ications", "ication", "ations", "ation", "ying", "ies", "ied", "ing", "ed", "es", "s")
ENDINGS += ("y", "e")

# How much of a text search snippets are cut from: the lede and a few paragraphs.
SNIPPET_CHARS = 2000
# search_vector's headline, dek and linked names (weights A and B): what results rank on.
RANK_VECTOR = Func(
    F("search_vector"), Value("{a,b}"), function="ts_filter", output_field=SearchVectorField()
)


def word_roots(text):
    """Each word of a query as a tsquery term: cut before a common English ending and matched
    as a prefix (“ratif:*”), or, with no such ending, as itself.

    A word with no ending stays whole: as a prefix it found only longer, unrelated words, and
    a short name's prefix could match most of the archive and cost a scan of every vector.
    """
    roots = []
    for word in re.findall(r"[^\W_]+", text.lower())[:8]:
        ending = next((e for e in ENDINGS if word.endswith(e) and len(word) - len(e) >= 4), "")
        roots.append(f"{word[: len(word) - len(ending)]}:*" if ending else word)
    return roots


def linked_names(through, link, field):
    """The names a briefing links to through `through`, space-joined, "" for none."""
    joined = (
        through.objects.filter(**{link: OuterRef("pk")})
        .values(link)
        .annotate(text=StringAgg(field, Value(" ")))
        .values("text")
    )
    return Coalesce(Subquery(joined), Value(""), output_field=models.TextField())


def briefing_vector(briefing_model):
    """Headline (A), dek and linked names (B), body (C), as one tsvector expression.

    Tag, actor and agreement names are folded in so a search for “CETA” or “Costa” finds the
    briefings linked to them.
    """
    tags = briefing_model.tags.through
    actors, agreements = briefing_model.actors.through, briefing_model.agreements.through
    linked = [
        linked_names(tags, "content_object", "tag__name"),
        linked_names(actors, "briefing", "actor__name"),
        linked_names(actors, "briefing", "actor__short_name"),
        linked_names(agreements, "briefing", "agreement__title"),
        linked_names(agreements, "briefing", "agreement__short_name"),
    ]
    return (
        SearchVector("headline", weight="A", config="briefings")
        + SearchVector("dek", *linked, weight="B", config="briefings")
        + SearchVector("body", weight="C", config="briefings")
    )


def reader_query(text):
    """A reader's words in web-search syntax, or'd with their roots when any word has one."""
    query = SearchQuery(text, config="briefings", search_type="websearch")
    roots = word_roots(text)
    if any(root.endswith(":*") for root in roots):
        query |= SearchQuery(" & ".join(roots), config="briefings", search_type="raw")
    return query


def snippet_source(field):
    """What snippets are cut from: the first SNIPPET_CHARS of `field`, markup characters out."""
    return Func(
        Left(field, SNIPPET_CHARS),
        Value(r"[#*_>`|\[\]]+"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=models.TextField(),
    )


def snippet(field, query, marks, **options):
    """A ts_headline of `field` with the matches of `query` between `marks`.

    The body's snippet is cut from its stored plain text (no Markdown, no HTML); what markup
    characters are left are not words, and snippets read better without them. Only the
    first SNIPPET_CHARS are parsed: ts_headline re-parses the whole text, and whole bodies
    cost as much as the rest of the page; the lede is where matches show.
    """
    start, stop = marks
    return SearchHeadline(
        snippet_source(field), query, config="briefings", start_sel=start, stop_sel=stop, **options
    )


FRAGMENT_DELIMITER = " … "
SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
# The end of a sentence inside a fragment, then the capital (or figure, or quote) that opens
# the next one.
SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’»)\]]*\s+(?=[\"'“‘«(]?[A-Z0-9À-Þ])")


def sentence_snippet(snippet, source, marks):
    """A ts_headline snippet that reads from a sentence's start, or says it does not.

    ts_headline cuts fragments at word boundaries anywhere in a sentence. Each fragment is
    found in `source` (what it was cut from): one that starts where a sentence does stays as
    it is; one that starts mid-sentence begins at the next sentence before its first match if
    there is one, or else opens with an ellipsis; one that stops mid-sentence ends with one.
    """
    if not snippet:
        return snippet
    start, stop = marks
    source = source or ""
    pieces = []
    for fragment in snippet.split(FRAGMENT_DELIMITER):
        fragment = fragment.strip()
        plain = fragment.replace(start, "").replace(stop, "")
        if not plain:
            continue
        at = source.find(plain)
        if at >= 0:
            before = source[:at].rstrip()
            after = source[at + len(plain) :]
            # A paragraph break (a newline in the stored text) ends a sentence too.
            opens = not before or "\n" in source[len(before) : at]
            opens = opens or bool(SENTENCE_END.search(before))
            closes = not after.strip() or "\n" in after[: len(after) - len(after.lstrip())]
            closes = closes or bool(SENTENCE_END.search(plain))
        else:
            opens = plain[:1].isupper() or plain[:1].isdigit()
            closes = bool(SENTENCE_END.search(plain))
        if not opens:
            head = fragment.split(start, 1)[0]
            breaks = list(SENTENCE_BREAK.finditer(head))
            if breaks:
                fragment, opens = fragment[breaks[-1].end() :], True
        pieces.append(("" if opens else "… ") + fragment + ("" if closes else " …"))
    return " ".join(pieces).replace("… …", "…")


class SearchableQuerySet(models.QuerySet):
    """Briefings' search, as queryset methods: it filters, ranks and updates many at once."""

    def update_search_vector(self):
        """Refill the full-text index of these briefings; run after any change to the text or
        the links."""
        self.update(search_vector=briefing_vector(self.model))
        return self.update(rank_vector=RANK_VECTOR)

    def search(self, text, marks=("<b>", "</b>")):
        """Briefings matching a reader's words (web-search syntax), best first, on the GIN index.

        The `briefings` configuration unaccents and stems, so “Antonio” finds “António” and
        “ratify” finds “ratification”. Each result carries `dek_snippet` and `body_snippet`
        (ts_headline fragments with the matches between `marks`); they are raw text, to be
        escaped by the caller, the body's after `sentence_snippet()` with
        `body_snippet_source`, the text it was cut from.
        """
        query = reader_query(text)
        return (
            self.filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("rank_vector"), query),
                dek_snippet=snippet("dek", query, marks, highlight_all=True),
                body_snippet=snippet(
                    "body_text",
                    query,
                    marks,
                    max_words=40,
                    min_words=20,
                    max_fragments=2,
                    fragment_delimiter=FRAGMENT_DELIMITER,
                ),
                body_snippet_source=snippet_source("body_text"),
            )
            .order_by("-rank", "-publish_at", "-pk")
        )


@contextmanager
def steered_planner(using=DEFAULT_DB_ALIAS):
    """A transaction whose planner reads search matches off the GIN index; run a page in it.

    A common word matches most briefings, so the planner would rather read the whole table,
    or every published row off the status index, and test each row's full vector: it prices
    that test like an integer comparison, when detoasting a vector costs twenty times more.
    Steered so, it reads the matches off the GIN index and filters them by published()'s
    conditions (55 → 21 ms for two common words at 10,000 briefings). A broad query's
    estimated cost also crossed jit_above_cost, and compiling it took 100 ms or more;
    parallel workers only add start-up time to a 20-row page on a busy web database. Only
    this transaction is steered: set_config(..., true) lasts until it ends.
    """
    with transaction.atomic(using=using, savepoint=False):
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'off', true),"
                " set_config('cpu_operator_cost', '0.05', true),"
                " set_config('jit', 'off', true),"
                " set_config('max_parallel_workers_per_gather', '0', true)"
            )
        yield
