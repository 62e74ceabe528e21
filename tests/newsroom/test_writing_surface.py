"""Paste cleanup, heading offers, smart typography and the preview endpoint."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from briefings.newsroom.paste import convert, heading_for
from briefings.newsroom.richtext import render_markdown
from tests.factories import UserFactory, writer

PREVIEW = "admin:newsroom_briefing_markdown_preview"
PASTE = "admin:newsroom_briefing_paste"

ARTICLE = """Canada and the EU deepen ties
I. A NEW TRANSATLANTIC DEFENSE ALLIANCE
Canada and the EU signed a partnership on 23 June 2025.
It covers defence industry and crisis management.
1. Canada and EU Seal Security and Defense Agreement
The text was agreed in Brussels.
"""


# Paste conversion ------------------------------------------------------------------------------


def test_plain_text_single_line_breaks_become_paragraphs_and_headings_are_offered():
    markdown, offers = convert(text=ARTICLE)
    html = render_markdown(markdown)
    assert html.count("<p>") == 6  # every line a paragraph until a heading is accepted
    assert "<ol>" not in html  # the numbered heading line is not a one-item list
    assert "1. Canada and EU Seal" in html
    assert offers == [
        {
            "line": "I. A NEW TRANSATLANTIC DEFENSE ALLIANCE",
            "heading": "## I. A NEW TRANSATLANTIC DEFENSE ALLIANCE",
        },
        {
            "line": "1\\. Canada and EU Seal Security and Defense Agreement",
            "heading": "### 1. Canada and EU Seal Security and Defense Agreement",
        },
    ]


def test_accepted_offers_render_as_headings():
    markdown, offers = convert(text=ARTICLE)
    for offer in offers:
        markdown = markdown.replace(offer["line"], offer["heading"])
    html = render_markdown(markdown)
    assert '<h2 id="sec-i-a-new-transatlantic-defense-alliance">I. A NEW TRANSATLANTIC' in html
    assert '">1. Canada and EU Seal Security and Defense Agreement</h3>' in html


@pytest.mark.parametrize(
    "line",
    [
        "1. Canada signed the agreement in June.",  # a sentence
        "2. the parties agreed to meet again",  # lower case
        "I think so.",
        "Canada and the EU deepen ties",  # ordinary title case, unnumbered: a headline-ish line
        "## Already a heading",
        "X" * 200,
    ],
)
def test_lines_that_are_not_offered(line):
    assert heading_for(line) is None


def test_lists_in_plain_text_stay_lists():
    markdown, _ = convert(text="Priorities:\n- cyber\n- maritime\n• space\nAfter.")
    assert "- cyber\n- maritime\n- space" in markdown
    assert render_markdown(markdown).count("<li>") == 3


def test_word_processor_html_becomes_markdown():
    html = (
        "<html><head><style>p{color:red}</style><title>Doc</title></head><body>"
        "<p class=MsoNormal><b>I. A NEW ALLIANCE<o:p></o:p></b></p>"
        '<p class=MsoNormal>The <i>pact</i> was <a href="https://example.org/x">signed</a>.</p>'
        "<ol><li>First</li><li>Second</li></ol><blockquote><p>Quoted</p></blockquote>"
        "<h1>Big title</h1><script>alert('x')</script></body></html>"
    )
    markdown, offers = convert(html=html, text="ignored")
    assert "The *pact* was [signed](https://example.org/x)." in markdown
    assert "1. First\n2. Second" in markdown
    assert "> Quoted" in markdown
    assert "## Big title" in markdown  # h1 is the headline's: demoted to a section
    assert "alert" not in markdown and "color" not in markdown and "Doc" not in markdown
    assert offers == [{"line": "**I. A NEW ALLIANCE**", "heading": "## I. A NEW ALLIANCE"}]


def test_email_html_broken_with_br_and_divs_becomes_paragraphs():
    email = (
        '<div dir="ltr"><div>I. A NEW ALLIANCE</div><div>Canada signed.<br>It matters.</div>'
        "<div><br></div><div>1. Canada and EU Seal Security and Defense Agreement</div>"
        "<pre><code>keep\nthese lines</code></pre></div>"
    )
    markdown, offers = convert(html=email)
    assert markdown.startswith("I. A NEW ALLIANCE\n\nCanada signed.\n\nIt matters.\n\n1\\. ")
    assert "keep\nthese lines" in markdown
    assert [o["heading"] for o in offers] == [
        "## I. A NEW ALLIANCE",
        "### 1. Canada and EU Seal Security and Defense Agreement",
    ]


# Smart typography ------------------------------------------------------------------------------


def test_smart_typography_in_prose_but_never_in_code():
    html = render_markdown(
        'He said "it\'s done" -- then --- nothing...\n\n'
        'Run `echo "a" -- b...` now.\n\n    "quoted" -- code...\n'
    )
    assert "He said “it’s done” – then — nothing…" in html
    assert '<code>echo "a" -- b...</code>' in html
    assert '<pre><code>"quoted" -- code...' in html


# The preview endpoint --------------------------------------------------------------------------

XSS = [
    "<script>alert(1)</script>Hello",
    "[click](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "![x](javascript:alert(1))",
    '<iframe src="https://evil.example"></iframe>',
    '"><svg onload=alert(1)>',
]


@pytest.mark.django_db
@pytest.mark.parametrize("source", XSS)
def test_preview_sanitises_exactly_like_the_public_page(client, source):
    client.force_login(writer())
    response = client.post(reverse(PREVIEW), {"body": source}, content_type="application/json")
    assert response.status_code == 200
    html = response.json()["html"]
    assert html == str(render_markdown(source))
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert "onload" not in html and "<iframe" not in html and "onclick" not in html


@pytest.mark.django_db
def test_preview_refuses_outsiders_and_missing_csrf():
    url = reverse(PREVIEW)
    anonymous = Client()
    assert anonymous.post(url, {"body": "x"}).status_code == 302  # to the login page
    outsider = Client()
    outsider.force_login(UserFactory(is_staff=True))  # staff without briefing rights
    assert outsider.post(url, {"body": "x"}).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(writer())
    assert strict.post(url, {"body": "x"}).status_code == 403
    assert strict.get(url).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        json.dumps({"body": 12}).encode(),
        json.dumps(["body"]).encode(),
        json.dumps({"body": "a\x00b"}).encode(),
        json.dumps({"body": "x" * 200_001}).encode(),
    ],
)
def test_preview_bad_input_is_a_clear_400(client, payload):
    client.force_login(writer())
    response = client.post(reverse(PREVIEW), payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.django_db
def test_paste_endpoint_converts_and_offers(client):
    client.force_login(writer())
    response = client.post(
        reverse(PASTE), {"html": "", "text": ARTICLE + "\x0bline"}, content_type="application/json"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["markdown"].endswith("The text was agreed in Brussels.\n\nline")
    assert [o["heading"][:4] for o in data["headings"]] == ["## I", "### "]
    bad = client.post(reverse(PASTE), {"html": ["x"]}, content_type="application/json")
    assert bad.status_code == 400
