"""Page purges after commit, through every configured backend (the page cache, Varnish, a CDN).

Idempotent: purging a tag twice deletes nothing more. Retried with backoff if a backend is
unreachable.
"""

import logging

from celery import shared_task

from briefings.site import purge

logger = logging.getLogger(__name__)

FAST_PATH_RETRY = {"max_retries": 1, "interval_start": 0}


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=1,
    retry_backoff_max=60,
    max_retries=10,
    soft_time_limit=30,
    time_limit=60,
)
def purge_pages(tags):
    for backend in purge.backends():
        backend.purge(tags)


def enqueue_purge(tags):
    """After commit; the page cache has been purged synchronously already, so an unreachable
    broker leaves at most a CDN's copy until its s-maxage (never past a visibility change)."""
    try:
        purge_pages.apply_async((sorted(tags),), retry_policy=FAST_PATH_RETRY)
    except Exception as error:
        logger.warning("Could not enqueue a page purge (%s): %s", error, tags)
