"""RSS and Atom feeds of published briefings: everything, and per tag, actor and agreement.

Each feed comes under both language prefixes (/en/feeds/rss/, /fr/feeds/rss/) and lists the
briefings as that language's readers get them (`for_language`), its channel in that language.

Subclasses name what they follow in get_object/title and narrow `briefings()`; the item methods
are shared, so every feed shows a briefing the same way (corrections included).

RSS channel titles and descriptions are HTML-escaped once more than XML needs, as item
descriptions are rendered HTML: readers that render channel fields as HTML then show a name
like `"><svg onload=…>` as text. Atom says what its fields are (title and subtitle are text
constructs), so Atom feeds carry the names as they are.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from briefings.actors.models import Actor
from briefings.agreements.models import Agreement
from briefings.newsroom.models import Briefing
from briefings.site.views.contributors import public_contributor
from briefings.site.views.topics import public_tag

FEED_SIZE = 30


class BriefingFeed(Feed):
    title = gettext_lazy("Briefing Desk")
    description = gettext_lazy("The latest briefings from the desk.")
    subtitle = description
    # The channel's <language> is the active one (Feed's default): the prefix's.

    def link(self, obj=None):
        return obj.get_absolute_url() if obj is not None else reverse("home")

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        if not issubclass(self.feed_type, Atom1Feed):
            for field in ("title", "description"):
                feed.feed[field] = escape(feed.feed[field])
        return feed

    def briefings(self, obj):
        return Briefing.objects.published()

    def items(self, obj=None):
        # Into lists, not managers: a manager's prefetch builds a queryset per item and relation.
        return (
            self.briefings(obj)
            .for_language(get_language())
            .listed()
            .prefetch_related(
                Prefetch("corrections", to_attr="correction_list"),
            )[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        """The dek and any corrections, and a link: the full text stays on the page.

        Readers skim a feed and click through; thirty rendered bodies made each fetch some
        150 KB and most of its time, and a body read outside the page loses its sources.
        """
        return render_to_string(
            "site/newsroom/feed_item.html", {"briefing": item, "site_url": settings.SITE_URL}
        )

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.public_updated_at or item.publish_at

    def item_author_name(self, item):
        return ", ".join(c.name for c in item.byline()) or None

    def item_categories(self, item):
        return [t.name for t in item.tag_list]

    def item_guid(self, item):
        return f"briefing:{item.pk}"

    item_guid_is_permalink = False


class BriefingAtomFeed(BriefingFeed):
    feed_type = Atom1Feed


class TagFeed(BriefingFeed):
    def get_object(self, request, slug):
        return public_tag(slug)

    def title(self, obj):
        return _("Briefing Desk — %(name)s") % {"name": obj.name}

    def description(self, obj):
        return _("Briefings tagged “%(name)s”.") % {"name": obj.name}

    subtitle = description

    def link(self, obj):
        return reverse("tag", kwargs={"slug": obj.slug})

    def briefings(self, obj):
        return Briefing.objects.published().filter(tags=obj)


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed


class ActorFeed(BriefingFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Actor, slug=slug)

    def title(self, obj):
        return _("Briefing Desk — %(name)s") % {"name": obj.name}

    def description(self, obj):
        return _("Briefings on %(name)s.") % {"name": obj.name}

    subtitle = description

    def briefings(self, obj):
        return Briefing.objects.published().filter(actors=obj)


class ActorAtomFeed(ActorFeed):
    feed_type = Atom1Feed


class AgreementFeed(BriefingFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Agreement, slug=slug)

    def title(self, obj):
        return _("Briefing Desk — %(name)s") % {"name": obj.display_name}

    def description(self, obj):
        return _("Briefings on %(name)s.") % {"name": obj.title}

    subtitle = description

    def briefings(self, obj):
        return Briefing.objects.published().filter(agreements=obj)


class AgreementAtomFeed(AgreementFeed):
    feed_type = Atom1Feed


class ContributorFeed(BriefingFeed):
    def get_object(self, request, slug):
        return public_contributor(slug)

    def title(self, obj):
        return _("Briefing Desk — %(name)s") % {"name": obj.name}

    def description(self, obj):
        return _("Briefings by %(name)s.") % {"name": obj.name}

    subtitle = description

    def briefings(self, obj):
        return Briefing.objects.published().filter(contributors=obj)


class ContributorAtomFeed(ContributorFeed):
    feed_type = Atom1Feed
