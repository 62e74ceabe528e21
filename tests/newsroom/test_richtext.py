"""The body is rendered once, at save, and stored with the renderer's version."""

import re

import pytest
from django.core.management import call_command

from briefings.newsroom import richtext
from briefings.newsroom.models import Briefing
from tests.factories import BriefingFactory, DraftFactory, editor

pytestmark = pytest.mark.django_db


def stored(briefing):
    return Briefing.objects.values("body_html", "body_text", "body_renderer_version").get(
        pk=briefing.pk
    )


def test_save_stores_sanitised_html_and_plain_text():
    briefing = DraftFactory(
        body="Costa & von der Leyen **signed**.\n\n"
        "<script>alert(1)</script>[x](javascript:alert(1))"
    )
    row = stored(briefing)
    assert "<strong>signed</strong>" in row["body_html"]
    assert "<script" not in row["body_html"] and "javascript:" not in row["body_html"]
    assert row["body_text"].startswith("Costa & von der Leyen signed.")
    assert "<" not in row["body_text"]
    assert row["body_renderer_version"] == richtext.RENDERER_VERSION


def test_every_save_of_the_body_renders_it_again():
    briefing = DraftFactory(body="First *draft*.")
    briefing.body = "Second **draft**."
    briefing.save(update_fields=["body"])
    assert stored(briefing)["body_html"] == "<p>Second <strong>draft</strong>.</p>"
    briefing.headline = "Only the headline"
    briefing.save(update_fields=["headline"])
    assert stored(briefing)["body_text"] == "Second draft."


def test_a_restore_renders_the_restored_body():
    briefing = DraftFactory(body="The *old* text.")
    first = briefing.save_revision(by=None)
    briefing.body = "The new text."
    briefing.save()
    first.restore(by=editor())
    assert stored(briefing)["body_html"] == "<p>The <em>old</em> text.</p>"


def test_a_stale_rendering_is_rendered_again_when_read_and_by_the_command():
    read, untouched = BriefingFactory(body="One *two*."), BriefingFactory(body="Three *four*.")
    Briefing.objects.update(body_html="<p>stale</p>", body_renderer_version=0)

    page = Briefing.objects.get(pk=read.pk)
    assert page.rendered_body == "<p>One <em>two</em>.</p>"
    assert stored(read)["body_renderer_version"] == richtext.RENDERER_VERSION

    call_command("rerender_bodies")
    assert stored(untouched)["body_html"] == "<p>Three <em>four</em>.</p>"
    assert Briefing.objects.exclude(body_renderer_version=richtext.RENDERER_VERSION).count() == 0


def test_the_page_shows_the_stored_html(client):
    briefing = BriefingFactory(body="Plain *emphasis*.")
    Briefing.objects.filter(pk=briefing.pk).update(body_html="<p>From the row</p>")
    assert "<p>From the row</p>" in client.get(briefing.get_absolute_url()).text


def test_subheads_get_stable_unique_slug_ids():
    html = richtext.render_markdown(
        "## The pact's scope\n\ntext\n\n### Who signs\n\n## The pact’s scope\n\n"
        "## The pact's scope\n\n#### Fine print\n\n## ???\n\n## " + "long " * 40
    )
    ids = re.findall(r'<h[234] id="([^"]+)"', html)
    assert ids == [
        "sec-the-pacts-scope",
        "sec-who-signs",
        "sec-the-pacts-scope-2",
        "sec-the-pacts-scope-3",
        "sec-fine-print",
        "sec-section",
        "sec-" + ("long-" * 12).strip("-"),
    ]
    assert richtext.render_markdown("## The pact's scope") == (
        '<h2 id="sec-the-pacts-scope">The pact’s scope</h2>'
    )


def test_hostile_headings_stay_inert_and_cannot_choose_their_id():
    html = richtext.render_markdown(
        '<h2 id="briefing-title" onclick="alert(1)">Typed</h2>\n\n'
        '## <img src=x onerror=alert(1)>"><script>alert(2)</script>\n\n'
        '## <a href="javascript:alert(3)">link</a> `<b>` **bold**\n\n'
        "```\n<h2>in code</h2>\n```"
    )
    assert "onclick" not in html and "onerror" not in html and "<script" not in html
    assert "javascript:" not in html and 'id="briefing-title"' not in html
    ids = re.findall(r'id="([^"]*)"', html)
    assert ids and all(re.fullmatch(r"sec-[a-z0-9_-]+", i) for i in ids)
    assert "&lt;h2&gt;in code&lt;/h2&gt;" in html
    entries = richtext.outline(html)
    assert [e["level"] for e in entries] == [2, 2, 2]
    assert entries[2]["text"] == "link <b> bold"  # plain text: the template escapes it


def test_outline_reads_h2_and_h3_from_the_stored_html():
    html = richtext.render_markdown("Lede.\n\n## One\n\n### One, a\n\n#### Deep\n\n## Two *it*")
    assert richtext.outline(html) == [
        {"level": 2, "id": "sec-one", "text": "One"},
        {"level": 3, "id": "sec-one-a", "text": "One, a"},
        {"level": 2, "id": "sec-two-it", "text": "Two it"},
    ]
    assert richtext.outline('<h2>bare</h2><h2 id="x">other</h2>') == []


def test_table_of_contents_from_three_subheads_without_a_query(django_assert_num_queries):
    short = DraftFactory(body="## One\n\n## Two")
    long = DraftFactory(body="## One\n\n## Two\n\n### Two, a")
    short, long = Briefing.objects.get(pk=short.pk), Briefing.objects.get(pk=long.pk)
    with django_assert_num_queries(0):
        assert short.table_of_contents == []
        assert [e["id"] for e in long.table_of_contents] == ["sec-one", "sec-two", "sec-two-a"]
