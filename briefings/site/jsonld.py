"""schema.org data for the pages' JSON-LD blocks."""

from django.conf import settings
from django.utils.translation import get_language

from briefings.clock import desk_time


def moment(value):
    """An ISO 8601 time on the desk's clock, to the second, as schema.org readers expect."""
    return desk_time(value).isoformat(timespec="seconds") if value else None


def person(contributor, profile=False):
    """schema.org Person for a contributor: name and author page; on that page, the rest."""
    data = {
        "@type": "Person",
        "name": contributor.name,
        "url": settings.SITE_URL + contributor.get_absolute_url(),
    }
    if profile:
        data["@context"] = "https://schema.org"
        if contributor.role:
            data["jobTitle"] = contributor.role
        if contributor.bio:
            data["description"] = contributor.bio
        if links := contributor.link_list():
            data["sameAs"] = links
    return data


def news_article(briefing):
    """schema.org NewsArticle data for a briefing, from prefetched relations."""
    url = settings.SITE_URL + briefing.get_absolute_url()
    publisher = {"@type": "Organization", "name": "Briefing Desk", "url": settings.SITE_URL}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": briefing.headline,
        "inLanguage": briefing.language,
        "description": briefing.dek,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": moment(briefing.publish_at),
        "dateModified": moment(briefing.public_updated_at or briefing.publish_at),
        "author": [person(c) for c in briefing.byline()] or publisher,
        "publisher": publisher,
        "keywords": [t.name for t in briefing.tags.all()],
        "about": [
            *(
                {
                    "@type": "Thing",
                    "name": agreement.title_i18n,
                    "url": settings.SITE_URL + agreement.get_absolute_url(),
                }
                for agreement in briefing.agreements.all()
            ),
            *(
                {
                    "@type": "Thing",
                    "name": actor.name_i18n,
                    "url": settings.SITE_URL + actor.get_absolute_url(),
                }
                for actor in briefing.actors.all()
            ),
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


ACTOR_TYPES = {"state": "Country", "person": "Person"}


def other_names(obj, *fields):
    """The names a page does not show as its main one: the short name in the reader's
    language, then each field in the other language, tagged with it, where it differs."""
    language = get_language()
    shown = {getattr(obj, f"{field}_i18n") for field in fields}
    names = []
    for code, _ in settings.LANGUAGES:
        if code == language:
            continue
        for field in fields:
            value = getattr(obj, field if code == settings.LANGUAGE_CODE else f"{field}_{code}")
            if value and value not in shown:
                names.append({"@value": value, "@language": code})
    return names


def thing(actor):
    """An actor as schema.org Country, Person or Organization, tied to Wikidata by sameAs."""
    data = {
        "@type": ACTOR_TYPES.get(actor.kind, "Organization"),
        "name": actor.name_i18n,
        "url": settings.SITE_URL + actor.get_absolute_url(),
    }
    if actor.wikidata_qid:
        data["sameAs"] = f"https://www.wikidata.org/wiki/{actor.wikidata_qid}"
    return data


def actor_page(actor):
    alternate = [actor.short_name_i18n] if actor.short_name_i18n else []
    alternate += other_names(actor, "name", "short_name")
    return {
        "@context": "https://schema.org",
        **thing(actor),
        "inLanguage": get_language(),
        "description": actor.summary_i18n,
        **({"alternateName": alternate} if alternate else {}),
    }


def legislation(agreement, parties):
    """schema.org Legislation for an agreement page: its dates and parties (prefetched)."""
    date = agreement.signed_on or agreement.adopted_on or agreement.concluded_on
    data = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": agreement.title_i18n,
        "alternateName": [
            *([agreement.short_name_i18n] if agreement.short_name_i18n else []),
            *other_names(agreement, "title", "short_name"),
        ],
        "inLanguage": get_language(),
        "description": agreement.summary_i18n,
        "url": settings.SITE_URL + agreement.get_absolute_url(),
        "legislationType": agreement.get_kind_display(),
        "legislationDate": date.isoformat() if date else None,
        "legislationLegalForce": (
            "InForce" if agreement.status == agreement.Status.IN_FORCE else None
        ),
        "legislationPassedBy": [thing(party.actor) for party in parties],
    }
    return {key: value for key, value in data.items() if value not in (None, "", [])}
