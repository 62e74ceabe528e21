"""Rendered fragments cached under the versions of what they show (key-based expiration).

A fragment's key is a digest of the rows it shows, so an edit to one of them, an addition or a
deletion gives every fragment showing it a new key, and only those; entries under old keys are
never read again and age out after FRAGMENT_CACHE_SECONDS. Nothing is purged and no site-wide
generation is involved:

- a briefing's card: the briefing's own row (`version`, `updated_at` and the fields the card
  shows), each byline's contributor and its `updated_at`, in byline order, each tag's slug and
  name (taggit's tags carry no stamp) and the lead image's `updated_at`, all read in the list's
  own query (`cards()`), so a warm card costs no query of its own;
- a briefing page's article: the briefing's row as fetched (its body HTML included) and every
  row of what the article shows (bylines, tags, key figures, sources, corrections, actors,
  agreements, events, the lead image, the other public versions it links to);
- an actor's offices: for the terms it holds, its offices and their terms, a count and a sum of
  the rows' `updated_at` (and their offices' and holders'), read in the actor's own query.

Every key names the active language (dates, labels, `_i18n` fields, "in French" marks) and a
namespace: VERSION, a digest of the fragments' templates, SITE_URL and a hash of SECRET_KEY
(rendition addresses are signed with it).

A fragment never decides what is public. It holds what a page rendered for a briefing that
`published()` selected, and it is looked up only for a briefing that a later `published()`
query selects again: a withdrawn, expired or not yet due briefing is in no list and has no page,
so no warm fragment of it is ever read. Previews neither read nor store fragments.
"""

import hashlib
from functools import cache as memoise

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Subquery,
    Sum,
    TextField,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Concat, Extract
from django.template.loader import get_template
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from briefings.actors.models import Office, OfficeTerm
from briefings.newsroom.models import Byline, TaggedBriefing
from briefings.newsroom.models.briefing import HEAVY_FIELDS, bylines_prefetch

VERSION = 1  # bump when what a fragment shows changes outside its templates
CARD_TEMPLATES = {
    "card": "site/newsroom/_briefing_card.html",
    "lead": "site/newsroom/_lead_story.html",
}
ARTICLE_TEMPLATE = "site/newsroom/_article.html"
OFFICES_TEMPLATE = "site/actors/_offices.html"
# Every template a fragment's markup comes from, included ones too: a change to any of them
# (a deploy) gives every fragment a new key.
TEMPLATES = (
    *CARD_TEMPLATES.values(),
    ARTICLE_TEMPLATE,
    OFFICES_TEMPLATE,
    "site/newsroom/_byline.html",
    "site/newsroom/_share.html",
    "site/newsroom/_toc.html",
)
# What a card shows of its briefing's own row, besides its version and updated stamp.
CARD_FIELDS = (
    "pk", "version", "updated_at", "headline", "dek", "slug", "article_type", "language",
    "publish_at", "lead_image_id",
)  # fmt: skip


def seconds():
    return settings.FRAGMENT_CACHE_SECONDS


def _namespace():
    sources = [get_template(name).template.source for name in TEMPLATES]
    secret = salted_hmac("briefings.site.fragments", "ns", algorithm="sha256").hexdigest()[:8]
    parts = [str(VERSION), settings.SITE_URL, secret, *sources]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=6).hexdigest()


_memoised_namespace = memoise(_namespace)


def namespace():
    """What every key starts with; read once per process, or on every call in DEBUG, where a
    template edited under runserver must show at once."""
    return _namespace() if settings.DEBUG else _memoised_namespace()


def digest(*parts):
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def key(kind, pk, *parts):
    return f"fragment:{namespace()}:{kind}:{get_language()}:{pk}:{digest(*parts)}"


def row(obj):
    """What an instance holds of its row: its stamps and values, as fetched."""
    return tuple(obj.__dict__.get(field.attname) for field in obj._meta.concrete_fields)


def fetch(keys, render):
    """The fragments under `keys` ({key: item}), rendering and storing only the missing: one
    round trip to read them all and one to store what was rendered. `render` takes the list of
    missing items and returns their HTML in order."""
    found = cache.get_many(list(keys))
    missing = [k for k in keys if k not in found]
    if missing:
        rendered = dict(zip(missing, render([keys[k] for k in missing]), strict=True))
        cache.set_many(rendered, seconds())
        found |= rendered
    return found


# Cards -----------------------------------------------------------------------------------


def _text(*parts):
    return Concat(*parts, output_field=TextField())


def cards(queryset):
    """Briefings as card lists show them: no body, and the stamps of what each card shows,
    in the list's query. Their tags, bylines and images are fetched only for the cards that
    are not cached (`render_cards`)."""
    bylines = (
        Byline.objects.filter(briefing=OuterRef("pk"))
        .order_by("position", "pk")
        .values(
            stamp=_text(
                Cast("contributor_id", TextField()),
                Value(" "),
                Cast("contributor__updated_at", TextField()),
            )
        )
    )
    tags = (
        TaggedBriefing.objects.filter(content_object=OuterRef("pk"))
        .order_by("tag_id")
        .values(
            stamp=_text(
                Cast("tag_id", TextField()), Value(" "), "tag__slug", Value(" "), "tag__name"
            )
        )
    )
    return queryset.defer(*HEAVY_FIELDS).annotate(
        card_bylines=ArraySubquery(bylines),
        card_tags=ArraySubquery(tags),
        card_image=F("lead_image__updated_at"),
    )


def card_key(briefing, variant="card"):
    own = [getattr(briefing, name) for name in CARD_FIELDS]
    shown = (briefing.card_bylines, briefing.card_tags, briefing.card_image)
    return key(f"card-{variant}", briefing.pk, *own, *shown)


def _render_cards(missing):
    prefetch_related_objects(
        [briefing for briefing, _ in missing],
        Prefetch("tags", to_attr="tag_list"),
        bylines_prefetch(),
        "lead_image",
    )
    return [
        get_template(CARD_TEMPLATES[variant]).render({"briefing": briefing})
        for briefing, variant in missing
    ]


def card_fragments(shown):
    """The HTML of each (briefing, variant) in `shown`, briefings from `cards()`: the warm ones
    from the cache, the others rendered together, their relations fetched in one go."""
    keyed = [(card_key(briefing, variant), (briefing, variant)) for briefing, variant in shown]
    if not keyed:
        return []
    found = fetch(dict(keyed), _render_cards)
    return [mark_safe(found[k]) for k, _ in keyed]  # noqa: S308 - templates' output


def render_cards(briefings, variant="card"):
    """The cards of `briefings` (from `cards()`), in order, each from the cache if warm."""
    return mark_safe("".join(card_fragments([(b, variant) for b in briefings])))  # noqa: S308


# A briefing's article --------------------------------------------------------------------

# What the article shows besides the briefing's row, prefetched by the detail queryset.
ARTICLE_RELATIONS = (
    "tags", "key_figures", "sources", "corrections", "actors", "agreements", "events",
)  # fmt: skip


def article_key(briefing, versions):
    briefing.rendered_body  # noqa: B018 - brings a stale stored body up to date first
    related = [[row(obj) for obj in getattr(briefing, name).all()] for name in ARTICLE_RELATIONS]
    shown = (
        row(briefing),
        [row(contributor) for contributor in briefing.byline()],
        related,
        row(briefing.lead_image) if briefing.lead_image_id else None,
        [(version.pk, version.language, version.slug) for version in versions],
    )
    return key("article", briefing.pk, *shown)


def render_article(briefing, versions):
    """A briefing page's <article>, from the cache unless it or anything it shows changed.

    `briefing` comes from the detail queryset (everything prefetched: no query here); never
    call it for a preview, whose byline and banner differ and whose briefing may be private.
    """
    template = get_template(ARTICLE_TEMPLATE)
    context = {"briefing": briefing, "versions": versions, "preview": False}
    k = article_key(briefing, versions)
    found = fetch({k: briefing}, lambda missing: [template.render(context)])
    return mark_safe(found[k])  # noqa: S308 - a template's output


# An actor's offices ----------------------------------------------------------------------


def _epoch(field):
    return Extract(field, "epoch")


def _stamp(queryset, group, *stamped):
    """ "count:sum of stamps" of the rows of `queryset` that belong to the outer actor: any
    insert, update or deletion among them changes it, whatever the clocks of the writers."""
    total = sum((Sum(_epoch(field)) for field in stamped[1:]), Sum(_epoch(stamped[0])))
    return Subquery(
        queryset.filter(**{group: OuterRef("pk")})
        .order_by()
        .values(group)
        .annotate(stamp=_text(Cast(Count("pk"), TextField()), Value(":"), Cast(total, TextField())))
        .values("stamp")
    )


def office_stamps():
    """Annotations for an Actor queryset: the versions of what its offices fragment shows."""
    return {
        "offices_held_stamp": _stamp(
            OfficeTerm.objects.all(), "person", "updated_at", "office__updated_at"
        ),
        "offices_stamp": _stamp(Office.objects.all(), "organisation", "updated_at"),
        "office_terms_stamp": _stamp(
            OfficeTerm.objects.all(), "office__organisation", "updated_at", "person__updated_at"
        ),
    }


def _render_offices(missing):
    actor = missing[0]
    prefetch_related_objects(
        [actor],
        Prefetch("office_terms", queryset=OfficeTerm.objects.select_related("office")),
        Prefetch("offices__terms", queryset=OfficeTerm.objects.select_related("person")),
    )
    terms = list(actor.office_terms.all())
    context = {
        "actor": actor,
        "current_terms": [t for t in terms if t.is_current],
        "past_terms": [t for t in terms if not t.is_current],
        "offices": list(actor.offices.all()),
    }
    return [get_template(OFFICES_TEMPLATE).render(context)]


def render_offices(actor):
    """The offices an actor holds and those it has, from an Actor annotated with
    `office_stamps()`; their rows are fetched only when the fragment is not cached."""
    stamps = (actor.offices_held_stamp, actor.offices_stamp, actor.office_terms_stamp)
    if stamps == (None, None, None):  # no office, no term: nothing to show
        return ""
    k = key(
        "offices",
        actor.pk,
        *stamps,
    )
    return mark_safe(fetch({k: actor}, _render_offices)[k])  # noqa: S308 - a template's output
