"""Renditions are made by a worker once the upload is committed; a missing one is made on its
first request, so a broker outage costs readers one slower image, nothing more."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from briefings.images.models import Image, Rendition

logger = logging.getLogger(__name__)


def image_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        transaction.on_commit(lambda: enqueue_renditions(instance.pk))


def enqueue_renditions(image_id):
    from briefings.images import tasks

    try:
        tasks.make_renditions.apply_async((image_id,), retry_policy={"max_retries": 1})
    except Exception as error:
        logger.warning("Could not enqueue renditions of image %s (%s)", image_id, error)


def file_deleted(sender, instance, **kwargs):
    """Storage keeps no file of a deleted image or rendition."""
    transaction.on_commit(lambda: instance.file.delete(save=False))


def connect():
    post_save.connect(image_saved, sender=Image, dispatch_uid="images.image_saved")
    post_delete.connect(file_deleted, sender=Image, dispatch_uid="images.image_deleted")
    post_delete.connect(file_deleted, sender=Rendition, dispatch_uid="images.rendition_deleted")
