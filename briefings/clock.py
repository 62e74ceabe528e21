"""The desk's clock (settings.DESK_TIME_ZONE): the time editors schedule in and readers see."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def desk_zone():
    return ZoneInfo(settings.DESK_TIME_ZONE)


def desk_time(value):
    """An aware datetime on the desk's clock."""
    return timezone.localtime(value, desk_zone())
