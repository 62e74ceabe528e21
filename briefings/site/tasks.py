from celery import shared_task
from django.core.cache import cache

from briefings.site import dossier

PENDING_KEY = "site:dossier-dump-pending"


@shared_task(name="site.regenerate_dossier_dump")
def regenerate_dossier_dump():
    """Rebuild the dossier bundle if its data changed; safe to run any number of times.

    The pending mark goes first, so an edit committed while this runs schedules a rebuild
    of its own rather than being folded into a build that may have read the rows before it.
    """
    cache.delete(PENDING_KEY)
    return dossier.regenerate()
