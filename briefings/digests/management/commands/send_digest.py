import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from briefings.digests import tasks
from briefings.digests.models import Edition


class Command(BaseCommand):
    help = (
        "Run the current daily or weekly digest edition now, through Celery like the beat does. "
        "Safe to repeat: an edition sends at most one email per subscriber."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=Edition.Kind.values)
        parser.add_argument(
            "--wait", type=float, default=0, help="Seconds to wait for the edition to complete."
        )

    def handle(self, kind, wait, **options):
        tasks.start_edition.delay(kind)
        self.stdout.write(f"Queued the {kind} edition; a Celery worker sends it.")
        if not wait:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            edition = (
                Edition.objects.with_counts()
                .filter(kind=kind, period=Edition.period_for(kind, timezone.now()))
                .first()
            )
            if edition and edition.completed_at:
                self.stdout.write(
                    f"{edition}: {edition.sent_count} sent, {edition.failed_count} failed."
                )
                return
            time.sleep(0.5)
        raise CommandError("The edition did not complete in time; is a worker running?")
