"""The newsroom's signal receivers, connected when the app is ready.

Search vectors are kept current: on every save, and when tags or links change. The vector
includes the names of linked tags, actors and agreements, so renaming one of those refreshes
the briefings that carry it. A scheduled briefing gets its publication task; the models
send a signal for it rather than import the tasks, which import them. An outbox entry is
dispatched as soon as its transaction commits.
"""

import logging

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from taggit.models import Tag

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.images.models import Image
from briefings.newsroom import tasks
from briefings.newsroom.models import Briefing, Outbox, TaggedBriefing
from briefings.newsroom.richtext import image_refs
from briefings.newsroom.signals import briefing_scheduled

logger = logging.getLogger(__name__)

FAST_PATH_RETRY = {"max_retries": 1, "interval_start": 0}


def schedule_publication(sender, briefing, publish_at, **kwargs):
    """Sent after commit, so the worker finds the briefing scheduled; the task re-checks.

    Only a schedule within the horizon is enqueued now; the beat sweep enqueues later ones as
    they come near, so the broker never holds a message for long.
    """
    if publish_at - timezone.now() <= tasks.horizon():
        tasks.enqueue_publication(briefing.pk, publish_at)


def outbox_recorded(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        transaction.on_commit(lambda: enqueue_dispatch(instance.pk))


def enqueue_dispatch(entry_id):
    """The fast path only: with the broker unreachable the change still stands, and the
    beat sweep performs the entry once the broker is back. One immediate retry (a connection
    gone stale in a broker restart), no more, so a "Publish now" does not wait on a dead
    broker."""
    try:
        tasks.dispatch_outbox.apply_async((entry_id,), retry_policy=FAST_PATH_RETRY)
    except Exception as error:
        logger.warning(
            "Could not enqueue outbox entry %s (%s); the sweep will dispatch it", entry_id, error
        )


def briefing_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        Briefing.objects.filter(pk=instance.pk).update_search_vector()
        sync_body_images(instance)


def sync_body_images(briefing):
    """The body's image references, as rows: the public-image check reads them."""
    wanted = set(
        Image.objects.filter(pk__in=image_refs(briefing.body)).values_list("pk", flat=True)
    )
    if wanted != set(briefing.body_images.values_list("pk", flat=True)):
        briefing.body_images.set(wanted)


def links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        Briefing.objects.filter(pk=instance.pk).update_search_vector()
    elif action == "post_clear":
        # Cleared from the far side: pk_set is unknown, refresh what may have carried it.
        Briefing.objects.filter(search_vector__isnull=False).update_search_vector()
    else:
        Briefing.objects.filter(pk__in=pk_set).update_search_vector()


def tagging_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        Briefing.objects.filter(pk=instance.content_object_id).update_search_vector()


def tag_renamed(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        Briefing.objects.filter(tags=instance).update_search_vector()


def actor_renamed(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        Briefing.objects.filter(actors=instance).update_search_vector()


def agreement_renamed(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        Briefing.objects.filter(agreements=instance).update_search_vector()


def image_changed(sender, instance, raw=False, created=False, **kwargs):
    """A stored body holds the image's markup (renditions, alt text): have the bodies that
    place it rendered again, when next read (see Briefing.rendered_body)."""
    if not (raw or created):
        Briefing.objects.filter(body_images=instance).update(body_renderer_version=0)


post_save.connect(briefing_saved, sender=Briefing, dispatch_uid="search-briefing")
post_save.connect(image_changed, sender=Image, dispatch_uid="body-image-changed")
post_save.connect(tagging_changed, sender=TaggedBriefing, dispatch_uid="search-tagged")
post_delete.connect(tagging_changed, sender=TaggedBriefing, dispatch_uid="search-untagged")
post_save.connect(tag_renamed, sender=Tag, dispatch_uid="search-tag")
post_save.connect(actor_renamed, sender=Actor, dispatch_uid="search-actor")
post_save.connect(agreement_renamed, sender=Agreement, dispatch_uid="search-agreement")
m2m_changed.connect(links_changed, sender=TaggedBriefing, dispatch_uid="search-tags")
m2m_changed.connect(links_changed, sender=Briefing.actors.through, dispatch_uid="search-actors")
m2m_changed.connect(
    links_changed, sender=Briefing.agreements.through, dispatch_uid="search-agreements"
)
post_save.connect(outbox_recorded, sender=Outbox, dispatch_uid="outbox-dispatch")
briefing_scheduled.connect(schedule_publication, sender=Briefing, dispatch_uid="publish-scheduled")
