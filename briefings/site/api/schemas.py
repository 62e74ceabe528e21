"""The API's response shapes. Adding a field is compatible; renaming or removing one is a v2."""

import datetime

from ninja import Schema


class Page(Schema):
    next: str | None = None
    next_cursor: str | None = None


class ActorRef(Schema):
    slug: str
    name: str
    kind: str
    iso_alpha2: str
    iso_alpha3: str
    wikidata_qid: str
    url: str


class Membership(Schema):
    organisation: str
    member: str
    role: str
    start_date: datetime.date | None
    start_precision: str
    end_date: datetime.date | None
    end_precision: str


class OfficeTerm(Schema):
    office: str
    organisation: str
    person: str
    start_date: datetime.date
    start_precision: str
    end_date: datetime.date | None
    end_precision: str


# A record's French values as its editors gave them, {"fr": {"name": "Allemagne"}}: no
# fallback, so an absent field means no French yet.
Translations = dict[str, dict[str, str]]


class Actor(ActorRef):
    short_name: str
    summary: str
    updated_at: datetime.datetime
    memberships: list[Membership]
    office_terms: list[OfficeTerm]
    translations: Translations = {}


class ActorPage(Page):
    items: list[Actor]


class Action(Schema):
    kind: str
    label: str
    date: datetime.date
    date_precision: str
    counts_from: datetime.date
    place: str
    note: str
    source_url: str


class PartyActor(ActorRef):
    translations: Translations = {}  # its French name, if any


class Party(Schema):
    actor: PartyActor
    role: str
    status: str
    status_label: str
    status_date: datetime.date | None
    status_date_precision: str | None
    approximate: bool
    uncertain: bool
    caveat: str
    signed_on: datetime.date | None
    bound_on: datetime.date | None
    note: str
    actions: list[Action]


class Relation(Schema):
    kind: str
    direction: str
    agreement: str
    note: str


class Agreement(Schema):
    slug: str
    title: str
    short_name: str
    kind: str
    status: str
    needs_ratification: bool
    summary: str
    url: str
    concluded_on: datetime.date | None
    signed_on: datetime.date | None
    signed_precision: str
    provisionally_applied_on: datetime.date | None
    in_force_on: datetime.date | None
    ended_on: datetime.date | None
    adopted_on: datetime.date | None
    adopted_precision: str
    applies_from: datetime.date | None
    updated_at: datetime.datetime
    as_of: datetime.date | None
    counts: dict[str, int]
    relations: list[Relation]
    parties: list[Party]
    translations: Translations = {}


class AgreementPage(Page):
    items: list[Agreement]


class PartyList(Schema):
    agreement: str
    as_of: datetime.date | None
    counts: dict[str, int]
    items: list[Party]


class Participant(Schema):
    actor: ActorRef
    role: str


class Event(Schema):
    slug: str
    title: str
    kind: str
    status: str
    summary: str
    url: str
    start_date: datetime.date
    start_precision: str
    end_date: datetime.date | None
    end_precision: str
    place_name: str
    country: str | None
    parent: str | None
    agreements: list[str]
    participants: list[Participant]
    updated_at: datetime.datetime
    translations: Translations = {}


class EventPage(Page):
    items: list[Event]


class Link(Schema):
    slug: str
    name: str
    url: str


class Briefing(Schema):
    slug: str
    headline: str
    dek: str
    article_type: str
    url: str
    published_at: datetime.datetime
    updated_at: datetime.datetime
    authors: list[str]
    tags: list[str]
    actors: list[Link]
    agreements: list[Link]
    events: list[Link]
    body_html: str | None = None


class BriefingPage(Page):
    items: list[Briefing]


class Error(Schema):
    detail: str
