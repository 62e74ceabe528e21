"""The sitemaps: every public page, under each language it is read in.

A briefing has one address, under its own language's prefix, and names its other published
versions as alternates (the original as `x-default`); every other page is listed under both
prefixes, each naming the other (Django's i18n sitemaps).
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.urls import reverse

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.digests.models import Edition
from briefings.events.models import Event
from briefings.newsroom.models import Briefing, Contributor


def version_path(version):
    """The page of a version given as `with_public_versions()` lists it."""
    return Briefing(language=version["language"], slug=version["slug"]).get_absolute_url()


class SiteSitemap(Sitemap):
    """Addresses on settings.SITE_URL, like the pages' canonical links, whatever the Host."""

    limit = 2000
    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return settings.SITE_URL.split("://", 1)[0]

    def get_domain(self, site=None):
        return settings.SITE_URL.split("://", 1)[1]


class BriefingSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 0.8

    i18n = False  # each version has an address of its own, in its own language

    def items(self):
        return (
            Briefing.objects.published()
            .only(
                "slug",
                "language",
                "translation_of",
                "publish_at",
                "public_updated_at",
                "expires_at",
                "status",
            )
            .with_public_versions()
        )

    def _urls(self, page, protocol, domain):
        """Each briefing with its published versions as alternates, the original x-default."""
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            briefing = url["item"]
            if not briefing.version_list:
                continue
            own = {"language": briefing.language, "slug": briefing.slug}
            own["original"] = briefing.translation_of_id is None
            group = sorted([own, *briefing.version_list], key=lambda v: v["language"])
            url["alternates"] = [
                {"location": f"{protocol}://{domain}{version_path(v)}", "lang_code": code}
                for v, code in (
                    *((v, v["language"]) for v in group),
                    *((v, "x-default") for v in group if v["original"]),
                )
            ]
        return urls

    def lastmod(self, item):
        return item.public_updated_at or item.publish_at

    def get_latest_lastmod(self):
        """For the index, in one query: Django's default calls lastmod() on every item."""
        latest = Coalesce("public_updated_at", "publish_at")
        return Briefing.objects.published().aggregate(latest=Max(latest))["latest"]


class TagSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        published = Briefing.objects.published()
        briefing = "newsroom_taggedbriefing_items__content_object"
        latest = Max(f"{briefing}__publish_at", filter=Q(**{f"{briefing}__in": published}))
        return published.carried_tags().annotate(latest=latest).order_by("name")

    def location(self, item):
        return reverse("tag", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.latest

    def get_latest_lastmod(self):
        """A tag page changes when a briefing is published: the latest publication will do."""
        return Briefing.objects.published().aggregate(latest=Max("publish_at"))["latest"]


class ModelSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.6
    model = None

    def items(self):
        return self.model.objects.order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return self.model.objects.aggregate(latest=Max("updated_at"))["latest"]


class ActorSitemap(ModelSitemap):
    model = Actor


class AgreementSitemap(ModelSitemap):
    model = Agreement


class EventSitemap(ModelSitemap):
    model = Event


class ContributorSitemap(SiteSitemap):
    """Author pages: contributors a published briefing names, as their pages decide."""

    changefreq = "weekly"
    priority = 0.4

    def items(self):
        named = Briefing.objects.published().values("contributors")
        return Contributor.objects.filter(pk__in=named).only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        named = Briefing.objects.published().values("contributors")
        return Contributor.objects.filter(pk__in=named).aggregate(latest=Max("updated_at"))[
            "latest"
        ]


class DigestSitemap(SiteSitemap):
    """Web versions of sent digest editions, as the archive lists them."""

    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return Edition.objects.archived().only("kind", "period", "completed_at").order_by("pk")

    def lastmod(self, item):
        return item.completed_at


class SectionSitemap(SiteSitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return [
            "home",
            "newsroom:index",
            "topics",
            "agreements:index",
            "actors:index",
            "events:index",
            "digest_archive:index",
        ]

    def location(self, item):
        return reverse(item)


sitemaps = {
    "sections": SectionSitemap,
    "briefings": BriefingSitemap,
    "tags": TagSitemap,
    "agreements": AgreementSitemap,
    "actors": ActorSitemap,
    "events": EventSitemap,
    "contributors": ContributorSitemap,
    "digests": DigestSitemap,
}
