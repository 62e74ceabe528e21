"""Library images on public pages: `{% picture image "wide" sizes="…" %}`, `{% figure … %}`."""

from django import template

from briefings.images import markup

register = template.Library()


@register.simple_tag
def picture(image, ratio="wide", sizes=markup.DEFAULT_SIZES, lazy=True, css_class=""):
    if not image:
        return ""
    return markup.picture(image, ratio, sizes=sizes, lazy=lazy, css_class=css_class)


@register.simple_tag
def figure(image, ratio="wide", sizes=markup.DEFAULT_SIZES, lazy=True, css_class="figure"):
    if not image:
        return ""
    return markup.figure(image, ratio, sizes=sizes, lazy=lazy, css_class=css_class)
