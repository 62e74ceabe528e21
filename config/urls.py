from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, register_converter

from briefings.newsroom import feeds, views
from briefings.newsroom.cache import public_page
from briefings.newsroom.sitemaps import sitemaps
from briefings.paths import TagSlugConverter

register_converter(TagSlugConverter, "tag_slug")

admin.site.site_header = "Briefing Desk"
admin.site.site_title = "Briefing Desk"
admin.site.index_title = "The desk"

handler404 = "briefings.newsroom.views.page_not_found"
handler500 = "briefings.newsroom.views.server_error"

# Public pages of the reading site; the briefings, actors, agreements and events apps mount
# their own below. Feeds live here because they list briefings for other apps' objects.
feed_patterns = [
    path("feeds/rss/", public_page(feeds.BriefingFeed()), name="feed_rss"),
    path("feeds/atom/", public_page(feeds.BriefingAtomFeed()), name="feed_atom"),
    path("tags/<tag_slug:slug>/rss/", public_page(feeds.TagFeed()), name="tag_feed_rss"),
    path("tags/<tag_slug:slug>/atom/", public_page(feeds.TagAtomFeed()), name="tag_feed_atom"),
    path("actors/<slug:slug>/rss/", public_page(feeds.ActorFeed()), name="actor_feed_rss"),
    path("actors/<slug:slug>/atom/", public_page(feeds.ActorAtomFeed()), name="actor_feed_atom"),
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

urlpatterns = [
    path("", views.home, name="home"),
    path("tags/", views.topics, name="topics"),
    path("tags/<tag_slug:slug>/", views.tag, name="tag"),
    path("search/", views.search, name="search"),
    *feed_patterns,
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
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("briefings/", include("briefings.newsroom.urls")),
    path("actors/", include("briefings.actors.urls")),
    path("agreements/", include("briefings.agreements.urls")),
    path("events/", include("briefings.events.urls")),
    path("subscribe/", include("briefings.digests.urls")),
]
