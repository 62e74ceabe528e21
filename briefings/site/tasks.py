from celery import shared_task

from briefings.site import dossier


@shared_task(name="site.sweep_dossier_dump")
def sweep_dossier_dump():
    """Every 10 s (beat): rebuild the dossier dump if a change has waited out the debounce."""
    return dossier.regenerate_if_due()


@shared_task(name="site.regenerate_dossier_dump")
def regenerate_dossier_dump():
    """Hourly (beat), and on demand: rebuild if the data changed; safe to run any number of
    times, as a bundle of unchanged data is not written again."""
    return dossier.regenerate()
