"""Dates known only to the month or the year ("June 2025", "2014").

A partial date is stored as a normal DateField (the first day of its period) beside a
precision field, so it sorts and filters like any date and prints only what is known.
"""

import datetime

from django.db import models
from django.utils.dates import MONTHS
from django.utils.translation import get_language, pgettext_lazy


class Precision(models.TextChoices):
    DAY = "day", pgettext_lazy("date precision", "Day")
    MONTH = "month", pgettext_lazy("date precision", "Month")
    YEAR = "year", pgettext_lazy("date precision", "Year")


def precision_field(**kwargs):
    return models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY, **kwargs
    )


def normalised(date_field, precision_field_name):
    """A check: a month-precise date falls on the 1st, a year-precise one on 1 January."""
    return (
        models.Q(**{date_field + "__isnull": True})
        | models.Q(**{precision_field_name: Precision.DAY})
        | models.Q(**{precision_field_name: Precision.MONTH, date_field + "__day": 1})
        | models.Q(
            **{
                precision_field_name: Precision.YEAR,
                date_field + "__day": 1,
                date_field + "__month": 1,
            }
        )
    )


# Per language: the month names, and how the first of the month reads ("1er janvier").
_CALENDARS = {}
FIRST_OF_MONTH = {"fr": "1er"}


def calendar():
    """The active language's month names and day labels, translated once per language: a
    lazy month name costs a catalog lookup each time it is printed."""
    language = get_language()
    found = _CALENDARS.get(language)
    if found is None:
        days = [str(day) for day in range(32)]
        days[1] = FIRST_OF_MONTH.get((language or "").split("-")[0], "1")
        found = _CALENDARS[language] = ([""] + [str(MONTHS[m]) for m in range(1, 13)], days)
    return found


def day_month_year(value):
    """“23 June 2025”, « 1er janvier 2019 » in French: date_format(value, "j F Y") at a
    fraction of its cost (pages print many)."""
    months, days = calendar()
    return f"{days[value.day]} {months[value.month]} {value.year}"


def format_partial(value, precision):
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        return f"{calendar()[0][value.month]} {value.year}"
    return day_month_year(value)


def period_end(value, precision):
    """The last day of the period a partial date stands for: an action known only to the month
    is certain to have happened by the month's end, not before."""
    if value is None or precision == Precision.DAY:
        return value
    if precision == Precision.YEAR:
        return value.replace(month=12, day=31)
    following = (
        value.replace(year=value.year + 1, month=1)
        if value.month == 12
        else (value.replace(month=value.month + 1))
    )
    return following - datetime.timedelta(days=1)


class _PeriodEnd(models.Func):
    """PostgreSQL: the day before the start of the next period."""

    output_field = models.DateField()

    def __init__(self, expression, unit):
        super().__init__(expression)
        self.template = f"((%(expressions)s + interval '1 {unit}' - interval '1 day')::date)"


def period_end_expression(date_field, precision_field_name):
    """period_end() in SQL, for filters and annotations."""
    return models.Case(
        models.When(
            **{precision_field_name: Precision.MONTH}, then=_PeriodEnd(date_field, "month")
        ),
        models.When(**{precision_field_name: Precision.YEAR}, then=_PeriodEnd(date_field, "year")),
        default=models.F(date_field),
        output_field=models.DateField(),
    )
