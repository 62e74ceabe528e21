"""Who gets what: public briefings and subscribers' follows, as sets of ids to intersect.

A chunk matches thousands of subscribers against a few dozen briefings, so both sides are
loaded in a handful of queries and matched in Python rather than queried per subscriber.

A candidate is a translation group: an original and its public translations. It enters a
digest once, with the window of its first public version, so a translation published after
its original went out does not bring the group back; each reader gets the version in their
language where one is public, the original otherwise (`Briefing.objects.for_language`).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Min
from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_lazy, pgettext
from taggit.models import Tag

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.digests.models import (
    Subscriber,
    group_of,
    groups_first_published,
    versions_for,
)
from briefings.newsroom.models import Briefing, TaggedBriefing, bylines_prefetch

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@dataclass
class Candidate:
    """A public briefing (or translation group) with the ids a subscriber's follows are
    matched against: those of every public version of the group."""

    briefing: Briefing
    tags: set = field(default_factory=set)
    actors: set = field(default_factory=set)
    agreements: set = field(default_factory=set)
    versions: dict = field(default_factory=dict)  # language code: the version its readers get
    published_at: object = None  # when the group's first version became public

    def __post_init__(self):
        if self.published_at is None and self.briefing is not None:
            self.published_at = self.briefing.publish_at

    def version(self, language):
        """The briefing readers of `language` get, or None when none is public for them."""
        if not self.versions:
            return self.briefing
        return self.versions.get(language)


@dataclass
class Follows:
    follow_all: bool = True
    tags: set = field(default_factory=set)
    actors: set = field(default_factory=set)
    agreements: set = field(default_factory=set)

    def match(self, candidate):
        return (
            self.follow_all
            or bool(self.tags & candidate.tags)
            or bool(self.actors & candidate.actors)
            or bool(self.agreements & candidate.agreements)
        )


def load_candidates(since, until):
    """Translation groups first published in (since, until], newest first, each with its
    version per language and the follow ids of all its public versions."""
    return load_groups(dict(groups_first_published(since, until).values_list("group", "first")))


def load_group(briefing):
    """The public translation group of a briefing as one candidate, or None if none of it is
    public any more."""
    group = briefing.translation_of_id or briefing.pk
    first = (
        Briefing.objects.published()
        .annotate(group=group_of())
        .filter(group=group)
        .aggregate(first=Min("publish_at"))["first"]
    )
    found = load_groups({group: first}) if first else []
    return found[0] if found else None


def load_groups(first):
    """Candidates for translation groups, given as {original id: first publication}."""
    if not first:
        return []
    briefings = {
        b.pk: b
        for b in Briefing.objects.published()
        .annotate(group=group_of())
        .filter(group__in=list(first))
        .select_related("lead_image")
        .prefetch_related("agreements", bylines_prefetch())
    }
    chosen = {}
    for language in LANGUAGE_CODES:
        rows = versions_for(list(first), language).order_by("group", "-pk")
        for group, pk in rows.values_list("group", "pk"):
            chosen.setdefault(group, {}).setdefault(language, briefings[pk])
    groups = {}
    for group, versions in chosen.items():
        default = versions.get(settings.LANGUAGE_CODE) or next(iter(versions.values()))
        groups[group] = Candidate(default, versions=versions, published_at=first[group])
    members = {pk: groups[b.group] for pk, b in briefings.items() if b.group in groups}
    ids = list(members)
    for briefing_id, tag_id in TaggedBriefing.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag_id"
    ):
        members[briefing_id].tags.add(tag_id)
    for briefing_id, actor_id in Briefing.actors.through.objects.filter(
        briefing_id__in=ids
    ).values_list("briefing_id", "actor_id"):
        members[briefing_id].actors.add(actor_id)
    for pk, candidate in members.items():
        candidate.agreements |= {a.pk for a in briefings[pk].agreements.all()}
    newest_first = sorted(
        groups.values(), key=lambda c: (c.published_at, c.briefing.pk), reverse=True
    )
    return newest_first


def load_follows(subscribers):
    """Follows for a batch of subscriber rows (dicts with id and follow_all), in four queries."""
    follows = {s["id"]: Follows(follow_all=s["follow_all"]) for s in subscribers}
    ids = list(follows)
    for attr, model, column in (
        ("tags", Subscriber.tags.through, "tag_id"),
        ("actors", Subscriber.actors.through, "actor_id"),
        ("agreements", Subscriber.agreements.through, "agreement_id"),
    ):
        rows = model.objects.filter(subscriber_id__in=ids).values_list("subscriber_id", column)
        for subscriber_id, target_id in rows:
            getattr(follows[subscriber_id], attr).add(target_id)
    return follows


EVERYTHING = gettext_lazy("You follow everything the desk publishes.")


def load_names(candidates):
    """Reader-facing names of the tags, actors and agreements the candidates carry, by id."""
    ids = {kind: set() for kind in ("tags", "actors", "agreements")}
    for candidate in candidates:
        for kind in ids:
            ids[kind] |= getattr(candidate, kind)
    actors = Actor.objects.filter(pk__in=ids["actors"]).values_list("pk", "short_name", "name")
    return {
        "tags": dict(Tag.objects.filter(pk__in=ids["tags"]).values_list("pk", "name")),
        "actors": {pk: short or name for pk, short, name in actors},
        "agreements": {
            a.pk: a.display_name for a in Agreement.objects.filter(pk__in=ids["agreements"])
        },
    }


def reason(follows, candidates, names):
    """Why a reader gets these briefings, from the follows they matched ("You follow defence,
    CETA and Italy."), or everything for a reader who follows it all; in the active language."""
    if follows.follow_all:
        return str(EVERYTHING)
    matched = []
    for kind in ("tags", "actors", "agreements"):
        hit = set().union(*(getattr(follows, kind) & getattr(c, kind) for c in candidates))
        matched += sorted(names[kind][pk] for pk in hit if pk in names[kind])
    if not matched:
        return gettext("You follow topics this briefing covers.")
    listed = get_text_list(matched, pgettext("the last of a list", "and"))
    return gettext("You follow %(follows)s.") % {"follows": listed}
