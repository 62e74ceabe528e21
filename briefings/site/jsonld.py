"""schema.org data for the pages' JSON-LD blocks."""

from django.conf import settings

from briefings.clock import desk_time


def moment(value):
    """An ISO 8601 time on the desk's clock, to the second, as schema.org readers expect."""
    return desk_time(value).isoformat(timespec="seconds") if value else None


def news_article(briefing):
    """schema.org NewsArticle data for a briefing, from prefetched relations."""
    url = settings.SITE_URL + briefing.get_absolute_url()
    publisher = {"@type": "Organization", "name": "Briefing Desk", "url": settings.SITE_URL}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": briefing.headline,
        "description": briefing.dek,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": moment(briefing.publish_at),
        "dateModified": moment(briefing.public_updated_at or briefing.publish_at),
        "author": [
            {"@type": "Person", "name": a.get_full_name() or a.get_username()}
            for a in briefing.authors.all()
        ]
        or publisher,
        "publisher": publisher,
        "keywords": [t.name for t in briefing.tags.all()],
        "about": [
            {
                "@type": "Thing",
                "name": str(thing),
                "url": settings.SITE_URL + thing.get_absolute_url(),
            }
            for thing in [*briefing.agreements.all(), *briefing.actors.all()]
        ],
        "correction": [
            {
                "@type": "CorrectionComment",
                "text": c.text,
                "datePublished": moment(c.created_at),
                "name": c.get_kind_display(),
            }
            for c in briefing.corrections.all()
        ],
    }
    image = briefing.lead_image
    if image is not None:
        # Google asks for large images in several ratios; the JPEGs every reader can take.
        data["image"] = [
            image.absolute_url("social-1200.jpeg"),
            image.absolute_url("wide-1440.jpeg"),
        ]
    return data
