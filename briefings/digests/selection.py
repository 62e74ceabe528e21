"""Who gets what: public briefings and subscribers' follows, as sets of ids to intersect.

A chunk matches thousands of subscribers against a few dozen briefings, so both sides are
loaded in a handful of queries and matched in Python rather than queried per subscriber.
"""

from dataclasses import dataclass, field

from taggit.models import Tag

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.digests.models import Subscriber
from briefings.newsroom.models import Briefing, TaggedBriefing, bylines_prefetch


@dataclass
class Candidate:
    """A public briefing with the ids a subscriber's follows are matched against."""

    briefing: Briefing
    tags: set = field(default_factory=set)
    actors: set = field(default_factory=set)
    agreements: set = field(default_factory=set)


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
    """Public briefings published in (since, until], newest first, with their follow ids."""
    briefings = list(
        Briefing.objects.published()
        .filter(publish_at__gt=since, publish_at__lte=until)
        .select_related("lead_image")
        .prefetch_related("agreements", bylines_prefetch())
        .order_by("-publish_at", "-pk")
    )
    candidates = {b.pk: Candidate(b) for b in briefings}
    ids = list(candidates)
    for briefing_id, tag_id in TaggedBriefing.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag_id"
    ):
        candidates[briefing_id].tags.add(tag_id)
    for briefing_id, actor_id in Briefing.actors.through.objects.filter(
        briefing_id__in=ids
    ).values_list("briefing_id", "actor_id"):
        candidates[briefing_id].actors.add(actor_id)
    for candidate in candidates.values():
        candidate.agreements = {a.pk for a in candidate.briefing.agreements.all()}
    return list(candidates.values())


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


EVERYTHING = "You follow everything the desk publishes."


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
    CETA and Italy."), or everything for a reader who follows it all."""
    if follows.follow_all:
        return EVERYTHING
    matched = []
    for kind in ("tags", "actors", "agreements"):
        hit = set().union(*(getattr(follows, kind) & getattr(c, kind) for c in candidates))
        matched += sorted(names[kind][pk] for pk in hit if pk in names[kind])
    if not matched:
        return "You follow topics this briefing covers."
    if len(matched) == 1:
        return f"You follow {matched[0]}."
    return f"You follow {', '.join(matched[:-1])} and {matched[-1]}."
