"""Briefing bodies are Markdown, rendered to HTML and then sanitised with an allowlist.

Sanitising after rendering means raw HTML in the Markdown source, javascript: links and event
handler attributes never reach a page, whatever the editor typed.

Images from the library are placed with `![alt text](image:42)` (the alt may be left empty to
use the library's). They are resolved at render time to `<picture>` markup of our own making,
put in after sanitising, so no markup typed in the body ever gets through with them.
"""

import re
import secrets

import markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import mark_safe

from briefings.images.markup import figure
from briefings.images.models import Image

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
IMAGE_REF = re.compile(r"!\[([^\]\n]{0,300})\]\(image:(\d{1,9})\)")


def image_refs(source):
    """The library image pks a body places, in order."""
    return [int(m[2]) for m in IMAGE_REF.finditer(source or "")]


def render_markdown(source, images=None):
    """Sanitised HTML of a body. `images` maps pk to Image; left out, the referenced images
    are fetched in one query; `{}` drops them (plain text, search)."""
    source = source or ""
    refs = []
    token = f"bdimage{secrets.token_hex(6)}x"

    def stash(match):
        refs.append(match)
        return f"\n\n{token}{len(refs) - 1}\n\n"

    source = IMAGE_REF.sub(stash, source)
    html = markdown.markdown(source, extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    if refs:
        if images is None:
            images = Image.objects.in_bulk([int(m[2]) for m in refs])

        def place(match):
            ref = refs[int(match[1])]
            image = images.get(int(ref[2]))
            if image is None:
                return ""
            return figure(image, "full", alt=ref[1].strip() or None, css_class="figure body-image")

        clean = re.sub(rf"<p>{token}(\d+)</p>", place, clean)
        # A reference inside code or a list item stays the text it was.
        clean = re.sub(rf"{token}(\d+)", lambda m: escape(refs[int(m[1])][0]), clean)
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above; figures are ours


def plain_text(source):
    """The body as plain text, for search, feeds' descriptions and email text parts."""
    return nh3.clean(render_markdown(source, images={}), tags=set()).strip()
