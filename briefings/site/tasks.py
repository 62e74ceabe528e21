"""The site's tasks: page purges after commit, and the dossier dump's rebuilds.

Purges go through every configured backend (the page cache, Varnish, a CDN); idempotent:
purging a tag twice deletes nothing more. Retried with backoff if a backend is unreachable.
"""

import logging

from celery import shared_task

from briefings.site import dossier, purge

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


@shared_task(name="site.sweep_dossier_dump")
def sweep_dossier_dump():
    """Every 10 s (beat): rebuild the dossier dump if a change has waited out the debounce."""
    return dossier.regenerate_if_due()


@shared_task(name="site.regenerate_dossier_dump")
def regenerate_dossier_dump():
    """Hourly (beat), and on demand: rebuild if the data changed; safe to run any number of
    times, as a bundle of unchanged data is not written again."""
    return dossier.regenerate()
