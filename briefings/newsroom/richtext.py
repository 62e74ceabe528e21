"""Briefing bodies are Markdown, rendered to HTML and then sanitised with an allowlist.

The public page and the editor's live preview both render through render_markdown(), so what
the writer sees is what readers get.

Sanitising after rendering means raw HTML in the Markdown source, javascript: links and event
handler attributes never reach a page, whatever the editor typed.

The body is rendered once, when the briefing is saved (`Briefing.body_html`, `body_text`),
with the RENDERER_VERSION it was rendered by; change anything here that changes the output
(an extension, the allowlist) and bump RENDERER_VERSION: stored bodies of an older version
are re-rendered when next read, or all at once by `manage.py rerender_bodies`.

Images from the library are placed with `![alt text](image:42)` (the alt may be left empty to
use the library's). They are resolved at rendering to `<picture>` markup of our own making,
put in after sanitising, so no markup typed in the body ever gets through with them; a change
to an image marks the bodies that place it for rendering again (newsroom.receivers).

Subheads (h2–h4) get ids at rendering, after sanitising (nh3 would strip them, and an id typed
in the body could clash with the page's own), slugified from their text, unique within the
body and prefixed `sec-` so they never meet an id of the page around them; `outline()` reads
them back from the stored HTML for the table of contents, with no query and no re-rendering.
"""

import html as entities
import re
import secrets

import markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from briefings.images.markup import figure
from briefings.images.models import Image

# 2: smarty typography; 3: library images resolved in the stored body; 4: subheads' ids;
# 5: images' captions in the briefing's own language
RENDERER_VERSION = 5

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# smarty: typographic quotes, dashes (-- and ---) and ellipses; code spans and blocks are
# left as typed, since Markdown takes them out before any inline pattern runs.
EXTENSIONS = ["extra", "sane_lists", "smarty"]
IMAGE_REF = re.compile(r"!\[([^\]\n]{0,300})\]\(image:(\d{1,9})\)")
# nh3 leaves subheads bare (no attribute is allowed on them), so this is all they can be.
BARE_HEADING = re.compile(r"<(h[234])>(.*?)</\1>", re.S)
# What anchor_headings() writes; outline() matches nothing else.
ANCHORED_HEADING = re.compile(r'<(h[23]) id="(sec-[a-z0-9_-]+)">(.*?)</\1>', re.S)
HEADING_ID_PREFIX = "sec-"
HEADING_SLUG_CHARS = 60


def image_refs(source):
    """The library image pks a body places, in order."""
    return [int(m[2]) for m in IMAGE_REF.finditer(source or "")]


def anchor_headings(clean):
    """Sanitised HTML with an id on every subhead: `sec-` and the slug of its text, numbered
    from the second use of the same slug, so links to the first stay put."""
    taken = set()

    def anchor(match):
        slug = slugify(html_to_text(match[2]))[:HEADING_SLUG_CHARS].strip("-_") or "section"
        anchor_id, n = f"{HEADING_ID_PREFIX}{slug}", 1
        while anchor_id in taken:
            n += 1
            anchor_id = f"{HEADING_ID_PREFIX}{slug}-{n}"
        taken.add(anchor_id)
        return f'<{match[1]} id="{anchor_id}">{match[2]}</{match[1]}>'

    return BARE_HEADING.sub(anchor, clean)


def outline(html):
    """The h2 and h3 subheads of a stored body, as dicts of level, id and plain text, in order:
    the briefing page's table of contents. A subhead left empty by sanitising is not listed."""
    entries = (
        {"level": int(m[1][1]), "id": m[2], "text": " ".join(html_to_text(m[3]).split())}
        for m in ANCHORED_HEADING.finditer(html or "")
    )
    return [entry for entry in entries if entry["text"]]


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
    html = markdown.markdown(source, extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    clean = anchor_headings(clean)
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


def html_to_text(html):
    """Rendered HTML as plain text, for search snippets, feeds' descriptions and email."""
    return entities.unescape(nh3.clean(html, tags=set())).strip()


def plain_text(source):
    """The body as plain text, for search, feeds' descriptions and email text parts."""
    return html_to_text(render_markdown(source, images={}))


def render(source):
    """What a briefing stores of its body: (html, text, RENDERER_VERSION); the text leaves
    out the images' captions and credits, as search and feeds want."""
    html = render_markdown(source)
    return str(html), html_to_text(render_markdown(source, images={})), RENDERER_VERSION
