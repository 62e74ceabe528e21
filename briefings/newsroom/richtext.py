"""Briefing bodies are Markdown, rendered to HTML and then sanitised with an allowlist.

The public page and the editor's live preview both render through render_markdown(), so what
the writer sees is what readers get.

Sanitising after rendering means raw HTML in the Markdown source, javascript: links and event
handler attributes never reach a page, whatever the editor typed.

The body is rendered once, when the briefing is saved (`Briefing.body_html`, `body_text`),
with the RENDERER_VERSION it was rendered by; change anything here that changes the output
(an extension, the allowlist) and bump RENDERER_VERSION: stored bodies of an older version
are re-rendered when next read, or all at once by `manage.py rerender_bodies`.
"""

import html as entities

import markdown
import nh3
from django.utils.safestring import mark_safe

RENDERER_VERSION = 2  # 2: smarty typography

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
    """The one renderer: Markdown source to sanitised HTML, marked safe."""
    html = markdown.markdown(source or "", extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def html_to_text(html):
    """Rendered HTML as plain text, for search snippets, feeds' descriptions and email."""
    return entities.unescape(nh3.clean(html, tags=set())).strip()


def plain_text(source):
    """The body as plain text, for search, feeds' descriptions and email text parts."""
    return html_to_text(render_markdown(source))


def render(source):
    """What a briefing stores of its body: (html, text, RENDERER_VERSION)."""
    html = render_markdown(source)
    return str(html), html_to_text(html), RENDERER_VERSION
