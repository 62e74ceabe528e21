"""`<picture>` markup for an image: modern formats first, JPEG as the fallback, every candidate
with its width, and the `<img>` with width and height so the page does not shift as it loads."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from briefings.images import processing
from briefings.images.models import RATIOS

DEFAULT_SIZES = "(min-width: 62rem) 46rem, 100vw"


def srcset(image, ratio, fmt):
    seen, parts = set(), []
    for width in ratio.widths:
        w, _ = image.rendition_size(ratio, width)
        if w in seen:  # a small original gives the same width twice: list it once
            continue
        seen.add(w)
        parts.append(f"{image.rendition_url(f'{ratio.name}-{width}.{fmt}')} {w}w")
    return ", ".join(parts)


def picture(image, ratio="wide", *, sizes=DEFAULT_SIZES, lazy=True, alt=None, css_class=""):
    """The `<picture>` element; `lazy` for anything below the fold, eager (and fetched first)
    for a lead image at the top of the page."""
    ratio = RATIOS[ratio]
    middle = ratio.widths[len(ratio.widths) // 2]
    width, height = image.rendition_size(ratio, middle)
    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        (
            (processing.MIME[fmt], srcset(image, ratio, fmt), sizes)
            for fmt in ratio.formats
            if fmt != "jpeg"
        ),
    )
    loading = (
        mark_safe(' loading="lazy" decoding="async"')
        if lazy
        else mark_safe(' fetchpriority="high" decoding="async"')
    )
    return format_html(
        '<picture{}>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}>'
        "</picture>",
        format_html(' class="{}"', css_class) if css_class else "",
        sources,
        image.rendition_url(f"{ratio.name}-{middle}.jpeg"),
        srcset(image, ratio, "jpeg"),
        sizes,
        width,
        height,
        image.alt_text_i18n if alt is None else alt,
        loading,
    )


def figure(image, ratio="full", *, lazy=True, alt=None, sizes=DEFAULT_SIZES, css_class="figure"):
    """The picture with its caption and credit, as the body and the lead show it."""
    caption = format_html(
        '<figcaption>{}{}<span class="credit">{}</span></figcaption>',
        image.caption_i18n,
        " " if image.caption_i18n else "",
        image.credit_line,
    )
    return format_html(
        '<figure class="{}">{}{}</figure>',
        css_class,
        picture(image, ratio, sizes=sizes, lazy=lazy, alt=alt),
        caption,
    )
