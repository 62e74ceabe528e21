"""Topics: the tags that published briefings carry, a page each, and the A to Z index."""

import unicodedata

from django.core.paginator import Paginator
from django.db.models import Count, F
from django.db.models.functions import Left, Lower, Upper
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from briefings.newsroom.models import Briefing, TaggedBriefing
from briefings.site import fragments
from briefings.site.cache import briefing_tags, public_page, tag_page

PAGE_SIZE = 20
TOPIC_PAGE_SIZE = 300
# The topic index's letters; "#" gathers names that start with a digit or a sign.
TOPIC_LETTERS = [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#"]


def tag_counts(limit):
    """The topics of the latest published briefings, most used first.

    Counted over the briefings `in_the_news()`: what is in the news now, at a cost that does
    not grow with the archive. Unpublished briefings never count.
    """
    return list(
        TaggedBriefing.objects.filter(content_object_id__any=Briefing.objects.in_the_news())
        .values(name=F("tag__name"), slug=F("tag__slug"))
        .annotate(count=Count("tag_id"))
        .order_by("-count", "name")[:limit]
    )


def public_taggings():
    """Tag links of published briefings: what makes a tag, and its count, public."""
    return TaggedBriefing.objects.filter(content_object__in=Briefing.objects.published())


def public_tag(slug):
    """A tag that published briefings carry; one only drafts use does not exist for readers."""
    return get_object_or_404(Briefing.objects.published().carried_tags(), slug=slug)


@require_safe
@public_page
def tag(request, slug):
    tag = public_tag(slug)
    briefings = Briefing.objects.published().for_language(get_language()).filter(tags=tag)
    page = Paginator(fragments.cards(briefings), PAGE_SIZE).get_page(request.GET.get("page"))
    tag_page(request, f"tag:{tag.pk}", *briefing_tags(page))
    return render(
        request,
        "site/newsroom/tag.html",
        {
            "tag": tag,
            "page": page,
            "title": _("Briefings tagged “%(name)s”") % {"name": tag.name},
            "description": _("The desk's briefings on %(name)s, newest first.")
            % {"name": tag.name},
            "nav": "briefings",
        },
    )


def letter_of(initial):
    """The index letter a name starting with `initial` files under: “É” under E, “2” under #."""
    base = unicodedata.normalize("NFKD", initial)[:1].upper()
    return base if base in TOPIC_LETTERS else "#"


@require_safe
@public_page
def topics(request):
    """Every public topic, under its initial (accents ignored), and those in the news now."""
    letter = request.GET.get("letter", "").upper()
    if letter and letter not in TOPIC_LETTERS:
        raise Http404("No such letter.")
    # Initials are folded here, not in SQL: unaccenting 20,000 names took 30 ms a query.
    first = Upper(Left("tag__name", 1))
    initials = set(public_taggings().values_list(first, flat=True).distinct())
    present = {letter_of(initial) for initial in initials}
    page = None
    if letter:
        listed = (
            public_taggings()
            .alias(initial=first)
            .filter(initial__in=[i for i in initials if letter_of(i) == letter])
            .values(name=F("tag__name"), slug=F("tag__slug"))
            .annotate(count=Count("tag_id"))
            .order_by(Lower("tag__name"), "tag__slug")
        )
        page = Paginator(listed, TOPIC_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "site/newsroom/topics.html",
        {
            "letters": [{"key": key, "present": key in present} for key in TOPIC_LETTERS],
            "letter": letter,
            "page": page,
            "tags": None if letter else tag_counts(limit=40),
            "title": _("Topics under %(letter)s") % {"letter": letter} if letter else _("Topics"),
            "description": _("Every topic of the desk's published briefings, A to Z."),
            "nav": "briefings",
        },
    )
