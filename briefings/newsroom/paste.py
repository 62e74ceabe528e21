"""Pasted text to Markdown, and which of its lines look like headings.

Writers paste from word processors, web pages and emails. HTML goes through markdownify (a
maintained HTML-to-Markdown converter over BeautifulSoup); plain text, where one line break
usually ends a paragraph, gets a paragraph per line. Lines such as "I. A NEW ALLIANCE" or
"1. Canada and EU Seal Security and Defense Agreement" are section headings in the source but
not in Markdown (the second would even become a list), so they are kept as plain paragraphs
(the number escaped) and *offered* as headings: the writer accepts or declines each.
"""

import re

from bs4 import BeautifulSoup, Comment
from markdownify import MarkdownConverter

# Elements whose content is never text a writer meant to paste.
DROPPED = ["script", "style", "head", "title", "meta", "link", "noscript", "template", "svg"]

ROMAN = re.compile(r"^(?P<num>[IVXLC]{1,7})\.\s+(?P<text>\S.*)$")
NUMBERED = re.compile(r"^(?P<num>\d{1,2})[.)]\s+(?P<text>\S.*)$")
ESCAPED_NUMBER = re.compile(r"^(\d{1,2})\\([.)])")
BULLET = re.compile(r"^\s*(?:[-*+•·]|\d{1,3}[.)])\s+")
EMPHASIS = re.compile(r"^(\*\*|__)(?P<text>.+)\1$")
SMALL_WORDS = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or",
    "the", "to", "with", "vs", "via", "de", "du", "la", "le", "et",
}  # fmt: skip
MAX_HEADING = 120


def html_to_markdown(html):
    """HTML from the clipboard as Markdown: paragraphs, headings, lists, links, quotes, emphasis."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(DROPPED):
        element.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    markdown = MarkdownConverter(
        heading_style="ATX",
        bullets="-",
        strip=["img", "span", "font", "o:p"],
        escape_underscores=False,
        escape_misc=False,
    ).convert_soup(soup)
    # The page's title is the headline: a pasted top-level heading becomes a section.
    markdown = re.sub(r"(?m)^# ", "## ", tidy(markdown))
    return "\n\n".join(split_lines(block) for block in markdown.split("\n\n"))


STRUCTURED = re.compile(r"^(?:\s{4}|```|>|\||#|[-*+] |\d{1,3}[.)] )")


def split_lines(block):
    """Lines an email or web page broke with <br> become paragraphs, as in plain text;
    lists, quotes, tables and code keep their lines."""
    if "\n" not in block or STRUCTURED.match(block):
        return block
    return "\n\n".join(line.strip() for line in block.split("\n") if line.strip())


def tidy(markdown):
    """Blank lines collapsed to one, non-breaking spaces and trailing spaces gone."""
    markdown = markdown.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [line.rstrip() for line in markdown.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def text_to_markdown(text):
    """Plain text as Markdown: each line its own paragraph, except runs of list items."""
    lines = [line.strip() for line in tidy(text).split("\n")]
    blocks, previous_bullet = [], False
    for line in lines:
        if not line:
            previous_bullet = False
            continue
        bullet = bool(BULLET.match(line)) and heading_for(line) is None
        if bullet and previous_bullet:
            blocks[-1] += "\n" + normalise_bullet(line)
        else:
            blocks.append(normalise_bullet(line) if bullet else line)
        previous_bullet = bullet
    return escape_candidates("\n\n".join(blocks))


def normalise_bullet(line):
    return re.sub(r"^\s*[•·]\s+", "- ", line)


def convert(html="", text=""):
    """The clipboard as Markdown, with the heading offers for it: HTML when there is any."""
    markdown = escape_candidates(html_to_markdown(html)) if html.strip() else None
    markdown = markdown or text_to_markdown(text)
    return markdown, heading_offers(markdown)


def escape_candidates(markdown):
    """Keep "1. Title Case Line" a paragraph, not a one-item list, until accepted as a heading."""
    out = []
    for paragraph in markdown.split("\n\n"):
        if "\n" not in paragraph and heading_for(paragraph) is not None:
            paragraph = NUMBERED.sub(lambda m: f"{m['num']}\\. {m['text']}", paragraph, count=1)
        out.append(paragraph)
    return "\n\n".join(out)


def heading_offers(markdown):
    """[{"line", "heading"}] for each one-line paragraph that reads like a section heading."""
    offers, seen = [], set()
    for paragraph in markdown.split("\n\n"):
        if "\n" in paragraph or paragraph in seen:
            continue
        heading = heading_for(paragraph)
        if heading is not None:
            seen.add(paragraph)
            offers.append({"line": paragraph, "heading": heading})
    return offers


def heading_for(line):
    """The Markdown heading a line would be, or None if it does not look like one.

    Roman-numbered lines ("I. A NEW ALLIANCE") are sections (##); Arabic-numbered ones
    ("1. Canada and EU Seal…") subsections (###), if written in title case or capitals;
    an unnumbered line in capitals is a section too. Sentences (a final full stop, lower-case
    words) are not headings.
    """
    line = ESCAPED_NUMBER.sub(r"\1\2", line.strip())
    if match := EMPHASIS.match(line):
        line = match["text"].strip()
    if not line or len(line) > MAX_HEADING or line.startswith("#") or line[-1] in ".,;:!?":
        return None
    if match := ROMAN.match(line):
        return f"## {line}" if headline_case(match["text"]) else None
    if match := NUMBERED.match(line):
        return f"### {line}" if headline_case(match["text"]) else None
    if shouting(line) and len(line.split()) <= 12:
        return f"## {line}"
    return None


def words_of(text):
    return [w for w in re.findall(r"[^\W\d_][\w'’-]*", text)]


def shouting(text):
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def headline_case(text):
    """Capitals, or every word that is not a small word capitalised."""
    if shouting(text):
        return True
    words = words_of(text)
    significant = [w for w in words if w.lower() not in SMALL_WORDS]
    return len(words) <= 14 and bool(significant) and all(w[0].isupper() for w in significant)
