"""The public reading site's URLconf. URL names and namespaces are those readers' links use."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path, register_converter

from briefings.paths import TagSlugConverter
from briefings.site import feeds
from briefings.site.api import urls as api_urls
from briefings.site.cache import public_page
from briefings.site.sitemaps import sitemaps
from briefings.site.views import (
    actors,
    agreements,
    briefings,
    contributors,
    digests,
    dossier,
    events,
    images,
    pages,
    search,
    topics,
)

register_converter(TagSlugConverter, "tag_slug")


def directory(views):
    """An index and a page per slug: the shape of the actor, agreement and event sections."""
    return [
        path("", views.index, name="index"),
        path("<slug:slug>/", views.detail, name="detail"),
    ]


agreement_patterns = [
    *directory(agreements),
    re_path(
        r"^(?P<slug>[-a-zA-Z0-9_]+)/parties\.(?P<fmt>csv|json)$",
        agreements.parties_download,
        name="parties",
    ),
    re_path(
        r"^(?P<slug>[-a-zA-Z0-9_]+)/actions\.(?P<fmt>csv|json)$",
        agreements.actions_download,
        name="actions",
    ),
]
briefing_patterns = [
    path("", briefings.index, name="index"),
    path("<slug:slug>/", briefings.detail, name="detail"),
    path("preview/<str:token>/", briefings.preview, name="preview"),
    path("preview/desk/<int:pk>/", briefings.desk_preview, name="desk_preview"),
]
digest_patterns = [
    path("", digests.subscribe, name="subscribe"),
    path("check-your-inbox/", digests.check_inbox, name="check_inbox"),
    path("confirm/<str:token>/", digests.confirm, name="confirm"),
    path("preferences/<str:token>/", digests.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", digests.unsubscribe, name="unsubscribe"),
    path("dev-mailbox/", digests.dev_mailbox, name="dev_mailbox"),
    path("dev-mailbox/<str:name>/", digests.dev_message, name="dev_message"),
    path("dev-mailbox/<str:name>/html/", digests.dev_message_html, name="dev_message_html"),
]
archive_patterns = [
    path("", digests.archive, name="index"),
    re_path(
        r"^(?P<kind>daily|weekly)-(?P<period>[0-9]{4}-[0-9]{2}-[0-9]{2})/$",
        digests.edition,
        name="detail",
    ),
]
image_patterns = [
    path("<int:pk>/<str:signature>/<str:key>", images.rendition, name="rendition"),
]
# Feeds live at the top: they list briefings for other apps' objects.
feed_patterns = [
    path("feeds/rss/", public_page(feeds.BriefingFeed()), name="feed_rss"),
    path("feeds/atom/", public_page(feeds.BriefingAtomFeed()), name="feed_atom"),
    path("tags/<tag_slug:slug>/rss/", public_page(feeds.TagFeed()), name="tag_feed_rss"),
    path("tags/<tag_slug:slug>/atom/", public_page(feeds.TagAtomFeed()), name="tag_feed_atom"),
    path("actors/<slug:slug>/rss/", public_page(feeds.ActorFeed()), name="actor_feed_rss"),
    path("actors/<slug:slug>/atom/", public_page(feeds.ActorAtomFeed()), name="actor_feed_atom"),
    path(
        "contributors/<slug:slug>/rss/",
        public_page(feeds.ContributorFeed()),
        name="contributor_feed_rss",
    ),
    path(
        "contributors/<slug:slug>/atom/",
        public_page(feeds.ContributorAtomFeed()),
        name="contributor_feed_atom",
    ),
    path(
        "agreements/<slug:slug>/rss/",
        public_page(feeds.AgreementFeed()),
        name="agreement_feed_rss",
    ),
    path(
        "agreements/<slug:slug>/atom/",
        public_page(feeds.AgreementAtomFeed()),
        name="agreement_feed_atom",
    ),
]

# Reading pages, under a language prefix (config/urls.py wraps them in i18n_patterns).
localized_urlpatterns = [
    path("", briefings.home, name="home"),
    path("tags/", topics.topics, name="topics"),
    path("tags/<tag_slug:slug>/", topics.tag, name="tag"),
    path("search/", search.search, name="search"),
    *feed_patterns,
    path("briefings/", include((briefing_patterns, "newsroom"))),
    path("actors/", include((directory(actors), "actors"))),
    path("agreements/", include((agreement_patterns, "agreements"))),
    path("events/", include((directory(events), "events"))),
    path(
        "contributors/<slug:slug>/",
        include(([path("", contributors.detail, name="detail")], "contributors")),
    ),
    path("subscribe/", include((digest_patterns, "digests"))),
    path("digests/", include((archive_patterns, "digest_archive"))),
]

# One address for every language: data, images, and what crawlers look for at the root. The
# sitemaps list each page in both languages.
urlpatterns = [
    # An index of one sitemap per section, each in pages of SiteSitemap.limit addresses: one
    # sitemap of 16,000 addresses took 2.4 s to render.
    path(
        "sitemap.xml",
        public_page(sitemap_views.index),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path("robots.txt", pages.robots_txt, name="robots_txt"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("data/dossier.zip", dossier.dump, name="dossier_dump"),
    path("api/", include((api_urls.urlpatterns, api_urls.app_name), namespace="api")),
    path("images/", include((image_patterns, "images"))),
]
