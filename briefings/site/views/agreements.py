from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from briefings.agreements.models import Agreement, AgreementRelation, Party
from briefings.site.cache import public_page
from briefings.site.maps.charts import fragment as charts_fragment

# The latest events on an agreement's page; the events timeline, filtered, has them all.
TIMELINE_SIZE = 20

# The order readers scan a ratification table in: who is bound first, who has done nothing last.
STATUS_ORDER = [
    Party.Status.BOUND,
    Party.Status.PROVISIONAL,
    Party.Status.SIGNED,
    Party.Status.WITHDRAWN,
    Party.Status.NONE,
]
GROUP_TITLES = {
    Party.Status.BOUND: "Ratified or otherwise bound",
    Party.Status.PROVISIONAL: "Provisionally applying",
    Party.Status.SIGNED: "Signed, not ratified",
    Party.Status.WITHDRAWN: "Withdrawn",
    Party.Status.NONE: "No action yet",
}


def party_groups(parties):
    """Parties grouped by derived status; the bound sorted by the date they were bound."""
    groups = {status: [] for status in STATUS_ORDER}
    for party in parties:
        groups[party.status].append(party)
    groups[Party.Status.BOUND].sort(key=lambda p: (p.consent.date, p.actor.name))
    return [
        {"status": status, "title": GROUP_TITLES[status], "parties": rows}
        for status, rows in groups.items()
        if rows
    ]


@require_safe
@public_page
def index(request):
    agreements = Agreement.objects.with_party_counts().order_by("title")
    return render(
        request,
        "site/agreements/agreement_list.html",
        {
            "agreements": agreements,
            "title": "Agreements",
            "description": "The agreements the desk follows: status, parties and ratifications.",
            "nav": "agreements",
        },
    )


@require_safe
@public_page
def detail(request, slug):
    agreement = get_object_or_404(
        Agreement.objects.prefetch_related(
            Prefetch(
                "party_records",
                queryset=Party.objects.select_related("actor").prefetch_related("actions"),
            ),
            Prefetch("relations_out", queryset=AgreementRelation.objects.select_related("target")),
            Prefetch("relations_in", queryset=AgreementRelation.objects.select_related("source")),
        ),
        slug=slug,
    )
    parties = list(agreement.party_records.all())
    events = agreement.events.select_related("country").order_by("-start_date", "title")
    briefings = agreement.briefings.published().listed()[:10]
    return render(
        request,
        "site/agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "party_groups": party_groups(parties),
            "party_count": len(parties),
            "charts": charts_fragment(agreement, parties),
            "events": events[:TIMELINE_SIZE],
            "briefings": briefings,
            "title": agreement.title,
            "description": agreement.summary[:300] or f"{agreement.title}: status and parties.",
            "nav": "agreements",
        },
    )
