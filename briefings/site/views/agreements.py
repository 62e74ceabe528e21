from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from briefings import partialdate
from briefings.agreements.models import Agreement, AgreementRelation, Party
from briefings.params import date_param
from briefings.site import records
from briefings.site.cache import RECORDS, briefing_tags, public_page, tag_page
from briefings.site.jsonld import legislation
from briefings.site.maps.charts import fragment as charts_fragment

# The latest events on an agreement's page; the events timeline, filtered, has them all.
TIMELINE_SIZE = 20


@require_safe
@public_page
def index(request):
    agreements = Agreement.objects.with_party_counts().order_by("title_i18n")
    return render(
        request,
        "site/agreements/agreement_list.html",
        {
            "agreements": agreements,
            "title": _("Agreements"),
            "description": _("The agreements the desk follows: status, parties and ratifications."),
            "nav": "agreements",
        },
    )


def _agreement(slug, relations=True):
    prefetches = [
        Prefetch(
            "party_records",
            queryset=Party.objects.select_related("actor").prefetch_related("actions"),
        )
    ]
    if relations:
        prefetches += [
            Prefetch("relations_out", queryset=AgreementRelation.objects.select_related("target")),
            Prefetch("relations_in", queryset=AgreementRelation.objects.select_related("source")),
        ]
    return get_object_or_404(Agreement.objects.prefetch_related(*prefetches), slug=slug)


@require_safe
@public_page
def detail(request, slug):
    as_of = date_param(request, "as_of")
    agreement = _agreement(slug)
    parties = list(agreement.party_records.all())
    rows = records.rows(parties, as_of)
    events = agreement.events.select_related("country").order_by(
        "-start_date", "start_precision", "title"
    )
    briefings = list(agreement.briefings.published().listed()[:10])
    tag_page(request, f"agreement:{agreement.pk}", RECORDS, *briefing_tags(briefings))
    return render(
        request,
        "site/agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "as_of": as_of,
            "as_of_display": as_of and partialdate.day_month_year(as_of),
            "caveats": [row for row in rows if row.derived.caveat],
            "party_groups": records.party_groups(rows),
            "party_count": len(parties),
            # Today's map: the as_of table stands alone (the map shows the present record).
            "charts": None if as_of else charts_fragment(agreement, parties),
            "events": events[:TIMELINE_SIZE],
            "briefings": briefings,
            "jsonld": legislation(agreement, parties),
            "title": agreement.title_i18n,
            "description": agreement.summary_i18n[:300]
            or _("%(title)s: status and parties.") % {"title": agreement.title_i18n},
            "nav": "agreements",
        },
    )


def _download(request, slug, what, fmt):
    as_of = date_param(request, "as_of")
    agreement = _agreement(slug, relations=False)
    rows = records.rows(agreement.party_records.all(), as_of)
    name = f"{agreement.slug}-{what}{'-' + as_of.isoformat() if as_of else ''}.{fmt}"
    if fmt == "csv":
        body = records.parties_csv(rows) if what == "parties" else records.actions_csv(rows)
        content_type = "text/csv; charset=utf-8"
    else:
        data = {
            "agreement": {
                "slug": agreement.slug,
                "title": agreement.title,
                "short_name": agreement.short_name,
                "url": request.build_absolute_uri(agreement.get_absolute_url()),
            },
            "as_of": as_of,
            "parties": [records.party_data(row) for row in rows],
        }
        if what == "actions":
            data["actions"] = [
                {"party": row.actor.slug, **records.action_data(a)}
                for row in rows
                for a in row.actions
            ]
            del data["parties"]
        body = records.dumps(data)
        content_type = "application/json; charset=utf-8"
    response = HttpResponse(body.encode(), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@public_page
def parties_download(request, slug, fmt):
    """The parties table, one row per party (status, dates), as CSV or JSON."""
    return _download(request, slug, "parties", fmt)


@require_safe
@public_page
def actions_download(request, slug, fmt):
    """The action record, one row per dated action, as CSV or JSON."""
    return _download(request, slug, "actions", fmt)
