"""Review emails: editors hear when a writer submits, writers when sent back or scheduled.

Recorded as an outbox entry in the moving transaction (`Briefing.transition()`), sent by the
outbox dispatcher after commit through Django's mail API and the configured mailer
(`MAILERS["default"]`), and marked done in the transaction that sent it: a failed send is
retried with the outbox's backoff, and nothing is sent for a move that rolled back. Newsroom
sends these itself rather than through digests: they are desk mail to staff, not reader mail,
and digests sits above newsroom.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format

from briefings.clock import desk_zone
from briefings.newsroom.workflow import Status


def notified(briefing, from_status, to_status, by):
    """Whether a move tells anyone: a writer's submission, a send-back or a scheduling of
    a briefing that has a writer other than whoever moved it."""
    if by is None:
        return False
    if to_status == Status.REVIEW:
        return not by.has_perm("newsroom.publish_briefing")
    sent_back = to_status == Status.DRAFT and from_status in (Status.REVIEW, Status.SCHEDULED)
    scheduled = to_status == Status.SCHEDULED and from_status != Status.SCHEDULED
    if not (sent_back or scheduled):
        return False
    return (briefing.created_by_id not in (None, by.pk)) or any(
        pk != by.pk for pk in writer_ids(briefing)
    )


def writer_ids(briefing):
    """The accounts behind the briefing's byline (contributors tied to a user)."""
    return list(
        briefing.byline_rows.filter(contributor__user__isnull=False).values_list(
            "contributor__user_id", flat=True
        )
    )


def recipients(briefing, transition):
    """Who hears of the move: editors of a submission, the writers of the rest, never its actor."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if transition.to_status == Status.REVIEW:
        users = users.filter(
            pk__in=get_user_model()
            .objects.with_perm(
                "newsroom.publish_briefing",
                include_superusers=False,
                backend="django.contrib.auth.backends.ModelBackend",
            )
            .values("pk")
        )
    else:
        users = users.filter(pk__in=[briefing.created_by_id, *writer_ids(briefing)])
    return sorted(users.exclude(pk=transition.by_id).values_list("email", flat=True))


SUBJECTS = {
    Status.REVIEW: "Submitted for review: {}",
    Status.DRAFT: "Sent back to draft: {}",
    Status.SCHEDULED: "Scheduled: {}",
}


def send_review_notice(entry):
    """Send the email for one outbox entry, in the dispatcher's locked transaction."""
    briefing = entry.briefing
    transition = briefing.transitions.select_related("by").filter(at=entry.published_at).first()
    if transition is None:
        return
    to = recipients(briefing, transition)
    if not to:
        return
    by = transition.by
    context = {
        "briefing": briefing,
        "transition": transition,
        "by": (by.get_full_name() or by.get_username()) if by else "The desk",
        "url": settings.SITE_URL + reverse("admin:newsroom_briefing_change", args=[briefing.pk]),
        "publish_at": date_format(briefing.publish_at.astimezone(desk_zone()), "l j F Y, H:i T")
        if transition.to_status == Status.SCHEDULED and briefing.publish_at
        else None,
        "desk_zone": settings.DESK_TIME_ZONE,
    }
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "briefings.example"
    message = EmailMessage(
        subject=SUBJECTS[transition.to_status].format(briefing.headline),
        body=render_to_string("newsroom/email/review_notice.txt", context),
        to=to,
        headers={"Message-ID": f"<review.{entry.pk}@{domain}>", "Auto-Submitted": "auto-generated"},
    )
    message.send()
