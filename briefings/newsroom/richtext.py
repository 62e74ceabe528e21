"""Briefing bodies are Markdown, rendered to HTML and then sanitised with an allowlist.

The public page and the editor's live preview both render through render_markdown(), so what
the writer sees is what readers get.

Sanitising after rendering means raw HTML in the Markdown source, javascript: links and event
handler attributes never reach a page, whatever the editor typed.
"""

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# smarty: typographic quotes, dashes (-- and ---) and ellipses; code spans and blocks are
# left as typed, since Markdown takes them out before any inline pattern runs.
EXTENSIONS = ["extra", "sane_lists", "smarty"]


def render_markdown(source):
    html = markdown.markdown(source or "", extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def plain_text(source):
    """The body as plain text, for search, feeds' descriptions and email text parts."""
    return nh3.clean(render_markdown(source), tags=set()).strip()
