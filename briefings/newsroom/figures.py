"""Key figures given as data (an amount, a currency, a scale), printed in the reader's language.

English puts the symbol first (“€150 billion”); French writes the amount, the scale and the
currency in words (« 150 milliards d'euros ») and only a bare amount with its symbol (« 150 € »).
Thousands are written out as amounts (150000), not as a scale: French would need another
pattern for them (« 150 000 euros », never « mille d'euros »).
Each pattern is one translatable message, so no language's word order is built in code.
"""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

CURRENCIES = [
    ("EUR", _("euro (EUR)")),
    ("CAD", _("Canadian dollar (CAD)")),
    ("USD", _("US dollar (USD)")),
    ("GBP", _("pound sterling (GBP)")),
]
SCALES = [
    ("million", _("million")),
    ("billion", _("billion")),
    ("trillion", _("trillion")),
]


def scale_words(scale, count):
    """The scale in words, agreeing with the amount (« 1,5 milliard », « 150 milliards »)."""
    if scale == "million":
        return ngettext("million", "million", count)
    if scale == "billion":
        return ngettext("billion", "billion", count)
    if scale == "trillion":
        return ngettext("trillion", "trillion", count)
    return ""


def money(currency, scale):
    """The pattern of an amount in `currency`, with or without a scale in words."""
    if scale:
        patterns = {
            "EUR": pgettext("amount with scale", "€%(amount)s %(scale)s"),
            "CAD": pgettext("amount with scale", "C$%(amount)s %(scale)s"),
            "USD": pgettext("amount with scale", "US$%(amount)s %(scale)s"),
            "GBP": pgettext("amount with scale", "£%(amount)s %(scale)s"),
        }
        default = pgettext("amount with scale", "%(amount)s %(scale)s")
    else:
        patterns = {
            "EUR": pgettext("amount", "€%(amount)s"),
            "CAD": pgettext("amount", "C$%(amount)s"),
            "USD": pgettext("amount", "US$%(amount)s"),
            "GBP": pgettext("amount", "£%(amount)s"),
        }
        default = "%(amount)s"
    return patterns.get(currency, default)


def format_amount(amount, currency="", scale=""):
    """`amount` in the active language's number format, with its currency and scale."""
    amount = Decimal(amount)
    if amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
    else:
        amount = amount.normalize()
    count = int(abs(amount))
    number = number_format(amount, use_l10n=True, force_grouping=True)
    return money(currency, scale) % {
        "amount": number,
        "scale": scale_words(scale, count),
    }
