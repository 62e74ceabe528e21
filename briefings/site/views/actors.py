from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from briefings.actors.models import Actor, Membership
from briefings.site import fragments
from briefings.site.cache import RECORDS, briefing_tags, public_page, tag_page
from briefings.site.jsonld import actor_page

TIMELINE_SIZE = 30
# The directory's headings: each kind in the plural.
KIND_PLURALS = {
    Actor.Kind.STATE: gettext_lazy("States"),
    Actor.Kind.BLOC: gettext_lazy("Blocs and supranational unions"),
    Actor.Kind.INSTITUTION: gettext_lazy("Institutions"),
    Actor.Kind.ORGANISATION: gettext_lazy("International organisations"),
    Actor.Kind.PERSON: gettext_lazy("People"),
}


@require_safe
@public_page
def index(request):
    actors = Actor.objects.only("name", "slug", "kind", "short_name", "i18n").order_by("name_i18n")
    by_kind = {kind: [] for kind in Actor.Kind.values}
    for actor in actors:
        by_kind[actor.kind].append(actor)
    groups = [(KIND_PLURALS[kind], rows) for kind, rows in by_kind.items() if rows]
    return render(
        request,
        "site/actors/actor_list.html",
        {
            "groups": groups,
            "title": _("Actors"),
            "description": _("States, blocs, institutions and people in the desk's dossiers."),
            "nav": "actors",
        },
    )


@require_safe
@public_page
def detail(request, slug):
    actor = get_object_or_404(
        Actor.objects.annotate(**fragments.office_stamps()).prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("organisation").order_by(
                    "end_date", "organisation__name"
                ),
            ),
            Prefetch(
                "members",
                queryset=Membership.objects.current().select_related("member"),
                to_attr="current_members",
            ),
        ),
        slug=slug,
    )
    parties = (
        actor.party_records.select_related("agreement")
        .prefetch_related("actions")
        .order_by("agreement__title_i18n")
    )
    participations = actor.participations.select_related("event__country").order_by(
        "-event__start_date", "event__title"
    )[:TIMELINE_SIZE]
    briefings = list(fragments.cards(actor.briefings.published().for_language(get_language()))[:10])
    tag_page(request, f"actor:{actor.pk}", RECORDS, *briefing_tags(briefings))
    return render(
        request,
        "site/actors/actor_detail.html",
        {
            "actor": actor,
            "offices": fragments.render_offices(actor),
            "parties": parties,
            "participations": participations,
            "briefings": briefings,
            "jsonld": actor_page(actor),
            "title": actor.name_i18n,
            "description": actor.summary_i18n[:300]
            or _("%(name)s in the desk's dossiers.") % {"name": actor.name_i18n},
            "nav": "actors",
        },
    )
