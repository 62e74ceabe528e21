"""The briefings' full-text search: the vectors, the query, its ranking and its snippets.

BriefingQuerySet inherits `search()` and `update_search_vector()` from SearchableQuerySet;
a search page runs its query inside `steered_planner()`.
"""

import re
import unicodedata
from contextlib import contextmanager

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Case, F, Func, OuterRef, StringAgg, Subquery, Value, When
from django.db.models.functions import Coalesce

# Each language's text search configuration (migration 0016_search_languages): its own
# stemmer after unaccent. A briefing is indexed with its language's, and matched with a query
# parsed by the same one: lexemes from two stemmers would not meet.
CONFIGS = {"en": "briefings_en", "fr": "briefings_fr"}
# Endings a language's stemmer does not fold the same way (ratify → ratifi, ratification →
# ratif; ratifiée → ratifie, ratifié → ratif); searching also by the root before them lets
# one form of a word find the others. Matched on the word without its accents, longest first.
# fmt: off
ENDINGS = {
    "en": ("ications", "ication", "ations", "ation", "ying", "ies", "ied", "ing", "ed", "es",
           "s", "y", "e"),
    "fr": ("ications", "ication", "ations", "ation", "ements", "ement", "iees", "iee", "ies",
           "ier", "ie", "ees", "ee", "es", "er", "e", "s"),
}
# fmt: on

# How much of a text search snippets are cut from: the lede and a few paragraphs.
SNIPPET_CHARS = 2000
# search_vector's headline, dek and linked names (weights A and B): what results rank on.
RANK_VECTOR = Func(
    F("search_vector"), Value("{a,b}"), function="ts_filter", output_field=SearchVectorField()
)


def unaccented(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def word_roots(text, language="en"):
    """Each word of a query as a tsquery term: cut before a common ending of `language` and
    matched as a prefix (“ratif:*”), or, with no such ending, as itself.

    A word with no ending stays whole: as a prefix it found only longer, unrelated words, and
    a short name's prefix could match most of the archive and cost a scan of every vector.
    """
    roots = []
    for word in re.findall(r"[^\W_]+", unaccented(text.lower()))[:8]:
        ending = next(
            (e for e in ENDINGS[language] if word.endswith(e) and len(word) - len(e) >= 4), ""
        )
        roots.append(f"{word[: len(word) - len(ending)]}:*" if ending else word)
    return roots


def config_of(language_field="language"):
    """The configuration of each row's own language, as a regconfig expression."""
    return Case(
        *(When(**{language_field: code}, then=Value(name)) for code, name in CONFIGS.items()),
        default=Value(CONFIGS["en"]),
    )


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
    config = config_of()
    return (
        SearchVector("headline", weight="A", config=config)
        + SearchVector("dek", *linked, weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )


def reader_tsquery(text, language="en"):
    """A reader's words in web-search syntax, or'd with their roots when any word has one, as
    `language`'s configuration reads them: SQL and its parameters."""
    config = CONFIGS[language]
    sql, params = f"websearch_to_tsquery('{config}', %s)", [text]
    roots = word_roots(text, language)
    if any(root.endswith(":*") for root in roots):
        sql = f"({sql} || to_tsquery('{config}', %s))"
        params.append(" & ".join(roots))
    return sql, params


class RowSQL(models.Expression):
    """SQL over a row's own columns, `{table}` standing for the row's table, and its params.

    The search's match, rank and snippets are written so: the ORM's search expressions for
    both languages (two snippets each) took longer to compile than the page's queries to run.
    """

    def __init__(self, sql, params=(), *, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, list(params)

    def as_sql(self, compiler, connection):
        table = compiler.quote_name(compiler.query.base_table)
        # Parenthesised: a match (an OR of languages) must not escape the filters beside it.
        return f"({self.sql.replace('{table}', table)})", self.params


def each_language(text, template, joiner, params=()):
    """`template` once per language, with `{code}`, `{config}` and `{query}` (the reader's
    words as that language reads them, reader_tsquery()), each followed by `params`."""
    pieces, all_params = [], []
    for code, config in CONFIGS.items():
        query, query_params = reader_tsquery(text, code)
        piece = template.replace("{code}", code).replace("{config}", config)
        pieces.append(piece.replace("{query}", query))
        all_params += [*query_params, *params]
    return joiner.join(pieces), all_params


def per_language(text, then, output_field, params=()):
    """`then` for each row in its own language's terms: CASE over the row's language."""
    sql, params = each_language(text, "WHEN '{code}' THEN " + then, " ", params)
    return RowSQL("(CASE {table}.language " + sql + " END)", params, output_field=output_field)


# What snippets are cut from: the first SNIPPET_CHARS of a field, markup characters out.
SNIPPET_SOURCE = r"regexp_replace(left({table}.%(field)s, %(chars)d), '[#*_>`|\[\]]+', ' ', 'g')"


def snippet_source(field):
    return SNIPPET_SOURCE % {"field": field, "chars": SNIPPET_CHARS}


def snippet(field, text, marks, **options):
    """A ts_headline of `field` with the matches of `text` between `marks`, in each row's own
    language's terms; `options` are ts_headline's (MaxWords=40…).

    The body's snippet is cut from its stored plain text (no Markdown, no HTML); what markup
    characters are left are not words, and snippets read better without them. Only the
    first SNIPPET_CHARS are parsed: ts_headline re-parses the whole text, and whole bodies
    cost as much as the rest of the page; the lede is where matches show.
    """
    start, stop = marks
    options = {"StartSel": start, "StopSel": stop, **options}
    if any('"' in str(value) for value in options.values()):
        raise ValueError("ts_headline options cannot hold a double quote")
    listed = ", ".join(f'{name}="{value}"' for name, value in options.items())
    then = f"ts_headline('{{config}}', {snippet_source(field)}, {{query}}, %s)"
    return per_language(text, then, models.TextField(), params=[listed])


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

    def search(self, text):
        """Briefings matching a reader's words (web-search syntax), best first, read off each
        language's GIN index.

        Each briefing is matched and ranked (on its rank_vector) with its own language's
        configuration (CONFIGS), which unaccents and stems: “Antonio” finds “António”,
        “ratify” finds “ratification” and « ratifié » finds « ratifiée ». Snippets are
        highlighted() apart, for a page's rows only.
        """
        matches, params = each_language(
            text, "({table}.language = '{code}' AND {table}.search_vector @@ {query})", " OR "
        )
        rank = per_language(text, "ts_rank({table}.rank_vector, {query})", models.FloatField())
        return (
            self.filter(RowSQL(matches, params, output_field=models.BooleanField()))
            .annotate(rank=rank)
            .order_by("-rank", "-publish_at", "-pk")
        )

    def highlighted(self, text, marks=("<b>", "</b>")):
        """These briefings with `dek_snippet` and `body_snippet`: ts_headline fragments with
        the matches of `text` between `marks`.

        They are raw text, to be escaped by the caller, the body's after `sentence_snippet()`
        with `body_snippet_source`, the text it was cut from. Only for the rows a page shows:
        each snippet re-parses its text, and reading bodies for every match cost more than
        finding and ranking them.
        """
        body_options = {"MaxWords": 40, "MinWords": 20, "MaxFragments": 2}
        return self.annotate(
            dek_snippet=snippet("dek", text, marks, HighlightAll="true"),
            body_snippet=snippet(
                "body_text", text, marks, FragmentDelimiter=FRAGMENT_DELIMITER, **body_options
            ),
            body_snippet_source=RowSQL(
                snippet_source("body_text"), output_field=models.TextField()
            ),
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
