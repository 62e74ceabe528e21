from django.core.management.base import BaseCommand

from briefings.newsroom.models import Briefing
from briefings.newsroom.richtext import RENDERER_VERSION


class Command(BaseCommand):
    help = (
        "Render again every briefing body stored by an older renderer (after a change to "
        "briefings/newsroom/richtext.py and its RENDERER_VERSION)."
    )

    def handle(self, *args, **options):
        done = Briefing.objects.rerender_stale()
        self.stdout.write(
            f"Rendered {done} briefing bodies with renderer version {RENDERER_VERSION}."
        )
