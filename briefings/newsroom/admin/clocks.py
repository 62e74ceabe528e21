"""Times as the desk reads them: its own clock, with the UTC instant beside it."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from briefings.clock import desk_zone

OTTAWA = ZoneInfo("America/Toronto")  # Ottawa keeps Toronto's clock
UTC = ZoneInfo("UTC")


def clock(value, zone):
    return date_format(value.astimezone(zone), "D j M Y, H:i T")


def desk_and_utc(value):
    """A time as the desk reads it, with the UTC instant beside it."""
    if value is None:
        return None
    return format_html(
        '{} <span class="utc-instant">({})</span>', clock(value, desk_zone()), clock(value, UTC)
    )


def desk_city():
    """The desk's clock as a heading: "Europe/Brussels" → "Brussels"."""
    return settings.DESK_TIME_ZONE.rsplit("/", 1)[-1].replace("_", " ")


def desk_time(value, now=None):
    """A recent moment on the desk's clock, briefly: "14:32" today, "Mon 30 Nov, 14:32" before."""
    local = value.astimezone(desk_zone())
    today = (now or timezone.now()).astimezone(desk_zone()).date()
    return date_format(local, "H:i" if local.date() == today else "D j M, H:i")
