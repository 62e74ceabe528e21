"""The body is rendered once, at save, and stored with the renderer's version."""

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
