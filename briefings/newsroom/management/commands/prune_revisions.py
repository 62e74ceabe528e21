import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from briefings.newsroom.models import Revision


class Command(BaseCommand):
    help = (
        "Delete revisions older than the given age. The latest revision of each briefing, "
        "those current when it was scheduled or published, and younger ones are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, required=True, metavar="N")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go, delete nothing."
        )

    def handle(self, *args, older_than_days, dry_run, **options):
        if older_than_days < 0:
            raise CommandError("--older-than-days must be zero or more.")
        before = timezone.now() - datetime.timedelta(days=older_than_days)
        prunable = Revision.objects.prunable(before)
        if dry_run:
            self.stdout.write(f"Would delete {prunable.count()} revisions.")
            return
        deleted, _ = prunable.delete()
        self.stdout.write(f"Deleted {deleted} revisions older than {older_than_days} days.")
