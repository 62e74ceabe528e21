import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from briefings.newsroom.models import Briefing, PreviewLink
from tests.factories import BriefingFactory, DraftFactory, add_byline, editor, writer

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return DraftFactory(
        headline="Embargoed: the summit communiqué",
        slug="embargoed-communique",
        body="Text a source outside the desk reviews before the embargo.",
    )


def create_link(client, briefing):
    url = reverse("admin:newsroom_briefing_preview_links", args=[briefing.pk])
    response = client.post(url)
    assert response.status_code == 302
    return briefing.preview_links.get()


def assert_private_preview(response, headline):
    page = response.content.decode()
    assert response.status_code == 200
    assert headline in page
    assert '<meta name="robots" content="noindex' in page
    assert 'class="preview-banner"' in page and "Preview — not published." in page
    assert "application/ld+json" not in page  # no structured data for search engines
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_an_editor_creates_a_link_that_works_without_login(client, draft):
    client.force_login(editor())
    link = create_link(client, draft)
    assert len(link.token) >= 40
    assert link.expires_at - link.created_at == datetime.timedelta(hours=48)
    client.logout()

    response = client.get(link.get_absolute_url())
    assert_private_preview(response, "Embargoed: the summit communiqué")
    # The same briefing stays out of public surfaces.
    assert client.get(draft.get_absolute_url()).status_code == 404
    surfaces = (
        "/en/",
        "/en/briefings/",
        "/en/feeds/rss/",
        "/sitemap-briefings.xml",
        "/en/search/?q=embargo",
    )
    for surface in surfaces:
        assert "embargoed-communique" not in client.get(surface).content.decode(), surface


def test_a_preview_is_never_cached(client, draft):
    link = PreviewLink.objects.create(briefing=draft)
    assert "Text a source" in client.get(link.get_absolute_url()).content.decode()
    Briefing.objects.filter(pk=draft.pk).update(headline="Rewritten after the review.")
    page = client.get(link.get_absolute_url()).content.decode()
    assert "Rewritten after the review." in page


@pytest.mark.parametrize("spoil", ["tampered", "expired", "revoked", "empty"])
def test_a_bad_link_answers_404(client, draft, spoil):
    link = PreviewLink.objects.create(briefing=draft)
    url = link.get_absolute_url()
    if spoil == "tampered":
        url = url.replace(link.token, link.token[:-1] + ("A" if link.token[-1] != "A" else "B"))
    elif spoil == "expired":
        PreviewLink.objects.filter(pk=link.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=49),
            expires_at=timezone.now() - datetime.timedelta(seconds=1),
        )
    elif spoil == "revoked":
        link.revoke()
    else:
        url = "/en/briefings/preview/%20/"
    response = client.get(url)
    assert response.status_code == 404
    assert "Embargoed" not in response.content.decode()


def test_revoking_from_the_admin(client, draft):
    client.force_login(editor())
    link = create_link(client, draft)
    url = reverse("admin:newsroom_briefing_preview_links", args=[draft.pk])
    assert client.post(url, {"revoke": link.pk}).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    client.logout()
    assert client.get(link.get_absolute_url()).status_code == 404


def test_the_change_form_lists_live_links_and_the_admin_preview(client, draft):
    client.force_login(editor())
    link = create_link(client, draft)
    page = client.get(reverse("admin:newsroom_briefing_change", args=[draft.pk])).content.decode()
    assert link.get_absolute_url() in page
    preview = client.get(reverse("newsroom:desk_preview", args=[draft.pk]))
    assert_private_preview(preview, "Embargoed: the summit communiqué")


def test_only_editors_of_the_briefing_may_preview_or_share_it(client, draft):
    client.force_login(writer())
    assert client.get(reverse("newsroom:desk_preview", args=[draft.pk])).status_code in (
        403,
        404,
    )
    url = reverse("admin:newsroom_briefing_preview_links", args=[draft.pk])
    assert client.post(url).status_code in (403, 404)
    assert not draft.preview_links.exists()


def test_a_writer_previews_their_own_draft_but_cannot_share_it(client):
    author = writer()
    draft = DraftFactory(headline="A writer's own draft")
    add_byline(draft, author)
    client.force_login(author)
    preview = client.get(reverse("newsroom:desk_preview", args=[draft.pk]))
    assert_private_preview(preview, "A writer&#x27;s own draft")
    url = reverse("admin:newsroom_briefing_preview_links", args=[draft.pk])
    assert client.post(url).status_code == 403
    assert not draft.preview_links.exists()
    page = client.get(reverse("admin:newsroom_briefing_change", args=[draft.pk])).content.decode()
    assert "Create a preview link" not in page


def go_public(briefing):
    """The briefing as the publish task leaves it: published an instant ago."""
    now = timezone.now()
    Briefing.objects.filter(pk=briefing.pk).update(
        status=Briefing.Status.PUBLISHED, publish_at=now, first_published_at=now
    )
    briefing.refresh_from_db()


def test_publication_ends_the_link(client, draft):
    link = PreviewLink.objects.create(briefing=draft)
    assert client.get(link.get_absolute_url()).status_code == 200
    go_public(draft)
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(link.get_absolute_url()).status_code == 404
    link.refresh_from_db()
    assert not link.is_valid()


def test_an_embargoed_link_ends_when_the_time_comes_before_any_worker_runs(client, draft):
    Briefing.objects.filter(pk=draft.pk).update(
        status=Briefing.Status.SCHEDULED,
        publish_at=timezone.now() + datetime.timedelta(hours=2),
    )
    link = PreviewLink.objects.create(briefing=Briefing.objects.get(pk=draft.pk))
    assert client.get(link.get_absolute_url()).status_code == 200
    Briefing.objects.filter(pk=draft.pk).update(publish_at=timezone.now())
    assert client.get(link.get_absolute_url()).status_code == 404


def test_withdrawal_ends_the_link(client, draft):
    """The battery's case: a link made on a draft, the briefing published, then withdrawn."""
    link = PreviewLink.objects.create(briefing=draft)
    go_public(draft)
    client.force_login(editor())
    response = client.post(
        reverse("admin:newsroom_briefing_transition", args=[draft.pk]),
        {"to": "withdrawn", "version": draft.version, "note": "A source recanted."},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Briefing.Status.WITHDRAWN
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 410
    response = client.get(link.get_absolute_url())
    assert response.status_code == 404
    assert "Text a source outside the desk" not in response.content.decode()


def test_deletion_takes_the_links_with_it(draft):
    link = PreviewLink.objects.create(briefing=draft)
    draft.delete()
    assert not PreviewLink.objects.filter(pk=link.pk).exists()


@pytest.mark.parametrize("state", ["published", "withdrawn", "public-scheduled", "expired"])
def test_no_link_for_a_briefing_readers_see_or_saw(client, state):
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    briefing = {
        "published": lambda: BriefingFactory(),
        "withdrawn": lambda: BriefingFactory(status=Briefing.Status.WITHDRAWN, withdrawn_at=now),
        "public-scheduled": lambda: BriefingFactory(
            status=Briefing.Status.SCHEDULED, publish_at=now - hour, first_published_at=None
        ),
        "expired": lambda: BriefingFactory(publish_at=now - 2 * hour, expires_at=now - hour),
    }[state]()
    with pytest.raises(ValidationError, match="only for briefings that readers cannot see"):
        PreviewLink.objects.create(briefing=briefing)
    with pytest.raises(ValidationError):
        PreviewLink(briefing=briefing).full_clean()

    client.force_login(editor())
    url = reverse("admin:newsroom_briefing_preview_links", args=[briefing.pk])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "only for briefings that readers cannot see yet" in page
    assert "Share its public address instead." in page
    assert not briefing.preview_links.exists()


def test_a_draft_still_gets_a_link_that_validates(draft):
    link = PreviewLink(briefing=draft)
    link.full_clean(exclude=["token", "expires_at"])
    link.save()
    assert link.is_valid()
