"""The desk's home: what a writer or editor needs next, as short lists of links.

Each list is one query of at most LIMIT rows, so the page costs the same whatever the size
of the archive. The admin index shows it above Django's app list (newsroom sets the admin
site's index template; the root admin site module stays free of apps).
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from briefings.newsroom.admin.clocks import desk_and_utc, desk_time
from briefings.newsroom.models import Briefing, Contributor, Revision, Transition
from briefings.newsroom.workflow import Status

LIMIT = 6
LIGHT = ["body", "search_vector", "rank_vector"]  # what a list never reads


def change_url(pk):
    return reverse("admin:newsroom_briefing_change", args=[pk])


def changelist(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("admin:newsroom_briefing_changelist") + (f"?{query}" if query else "")


def row(briefing, when, detail=""):
    return {
        "headline": briefing.headline,
        "url": change_url(briefing.pk),
        "when": when,
        "detail": detail,
    }


def sections(user, now=None):
    """The dashboard's lists for `user`, in the order the page shows them."""
    now = now or timezone.now()
    mine = Briefing.objects.visible_to(user).defer(*LIGHT)
    own = Q(created_by=user) | Q(byline_rows__contributor__user=user)
    # The changelist's byline filter takes a contributor (one query); a user may have none.
    contributor = Contributor.objects.filter(user=user).values_list("pk", flat=True).first()
    byline = {"author": contributor} if contributor else {}
    is_editor = user.has_perm("newsroom.publish_briefing")
    result = []

    drafts = mine.filter(own, status=Status.DRAFT).distinct().order_by("-updated_at")[:LIMIT]
    result.append(
        {
            "key": "drafts",
            "title": gettext("My drafts"),
            "empty": gettext("No drafts of yours. Start one with “Add briefing”."),
            "rows": [row(b, desk_time(b.updated_at, now), gettext("edited")) for b in drafts],
            "more": changelist(state="draft", **byline),
        }
    )

    sent_back = Transition.objects.filter(
        briefing=OuterRef("pk"),
        from_status__in=[Status.REVIEW, Status.SCHEDULED],
        to_status=Status.DRAFT,
    ).exclude(by=user)
    back = (
        mine.filter(own, status=Status.DRAFT)
        .filter(Exists(sent_back))
        .distinct()
        .order_by("-updated_at")[:LIMIT]
    )
    notes = (
        {
            t.briefing_id: t
            for t in Transition.objects.filter(
                briefing__in=[b.pk for b in back], to_status=Status.DRAFT
            )
            .select_related("by")
            .order_by("at")
        }
        if back
        else {}
    )
    result.append(
        {
            "key": "corrections",
            "title": gettext("Corrections requested"),
            "empty": gettext("Nothing sent back to you for changes."),
            "rows": [
                row(b, desk_time(notes[b.pk].at, now), sent_back_note(notes[b.pk]))
                for b in back
                if b.pk in notes
            ],
            "more": changelist(state="draft", **byline),
        }
    )

    review = mine.filter(status=Status.REVIEW).select_related("created_by")
    review = review.order_by("updated_at") if is_editor else review.filter(own).distinct()
    result.append(
        {
            "key": "review",
            "title": gettext("Waiting for your review")
            if is_editor
            else gettext("My briefings in review"),
            "empty": gettext("Nothing waiting for review.")
            if is_editor
            else gettext("None of yours is in review."),
            "rows": [
                row(
                    b,
                    desk_time(b.updated_at, now),
                    gettext("by %(name)s") % {"name": name_of(b.created_by)},
                )
                for b in review[:LIMIT]
            ],
            "more": changelist(state="review"),
        }
    )

    scheduled = mine.filter(status=Status.SCHEDULED, publish_at__gt=now).order_by("publish_at")
    result.append(
        {
            "key": "scheduled",
            "title": pgettext("briefings", "Scheduled"),
            "empty": gettext("Nothing scheduled."),
            "rows": [
                row(b, desk_and_utc(b.publish_at), gettext("goes out")) for b in scheduled[:LIMIT]
            ],
            "more": reverse("admin:newsroom_briefing_scheduled"),
        }
    )

    published = mine.published(now).order_by("-publish_at", "-pk")[:LIMIT]
    result.append(
        {
            "key": "published",
            "title": gettext("Recently published"),
            "empty": gettext("Nothing published yet."),
            "rows": [
                row(b, desk_time(b.publish_at, now), pgettext("briefing", "published"))
                for b in published
            ],
            "more": changelist(state="published"),
        }
    )

    edits = (
        Revision.objects.filter(briefing__in=mine.values("pk"))
        .exclude(created_by=user)
        .exclude(created_by=None)
        .select_related("created_by", "briefing")
        .defer("data", *(f"briefing__{f}" for f in LIGHT))
        .order_by("-created_at")[:LIMIT]
    )
    result.append(
        {
            "key": "edits",
            "title": gettext("Recent edits by others"),
            "empty": gettext("No one else has edited lately."),
            "rows": [
                row(r.briefing, desk_time(r.created_at, now), f"{name_of(r.created_by)}: {r.note}")
                for r in edits
            ],
            "more": changelist(),
        }
    )
    return result


def name_of(user):
    if user is None:
        return gettext("the system")
    return user.get_full_name() or user.get_username()


def sent_back_note(transition):
    who = name_of(transition.by)
    if transition.note:
        return gettext("sent back by %(name)s: %(note)s") % {"name": who, "note": transition.note}
    return gettext("sent back by %(name)s") % {"name": who}
