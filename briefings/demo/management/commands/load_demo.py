"""Load the demo dossier (the Canada–EU security and defence pact) and local dev users.

Safe to run again: reference records (actors, agreements, events and their rows) are keyed on
slugs and natural keys and only written when they differ from the dossier, so a second run
writes nothing. Briefings that already exist are left exactly as they are, whatever an
editor or the publication worker has done to them since; only missing ones are created.
"""

import datetime
from collections import Counter, defaultdict
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from briefings.actors.models import Actor, Membership, Office, OfficeTerm
from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction
from briefings.demo import dossier
from briefings.demo import images as demo_images
from briefings.digests.models import Subscriber
from briefings.events.models import Event, Participation
from briefings.images import processing
from briefings.images.models import Image
from briefings.newsroom.models import Briefing, Byline, Contributor, KeyFigure, Source, Transition
from briefings.partialdate import Precision

BODIES = Path(dossier.__file__).with_name("briefings")

# Development-only readers with instant alerts, confirmed, so a status change in the admin
# (Italy ratifying CETA) has followers to alert: email, agreement slugs, actor slugs.
DEMO_READERS = [
    ("ceta-watcher@readers.example", ["ceta"], []),
    ("trade-desk@readers.example", ["ceta", "eu-canada-security-and-defence-partnership"], []),
    ("rome-correspondent@readers.example", [], ["italy"]),
]

# Development-only logins: username, password, group (None: superuser). The editor and the
# writer each get a contributor, so what they write while trying the desk carries a byline.
DEV_BIO = "A login that make run creates for trying the desk; never present in production."
DEV_USERS = [
    ("admin", "admin-dev-only", None),
    ("editor", "editor-dev-only", "editor"),
    ("writer", "writer-dev-only", "writer"),
]


def partial(value):
    """'2016-10-30', '2025-06' or '2025' as (first day of the period, precision)."""
    if value is None:
        return None, Precision.DAY
    parts = [int(p) for p in value.split("-")]
    precision = [Precision.YEAR, Precision.MONTH, Precision.DAY][len(parts) - 1]
    return datetime.date(*parts, *[1] * (3 - len(parts))), precision


def day(value):
    return value and datetime.date.fromisoformat(value)


def french(data):
    """A dossier entry's French values (`title_fr`…), which fill the records' i18n field."""
    return {key: value for key, value in data.items() if key.endswith("_fr") and value}


class Command(BaseCommand):
    help = (
        "Load the Canada–EU pact demo dossier (actors, agreements, events, five briefings) "
        "and, when DJANGO_DEBUG is on, development users. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-dev-users",
            action="store_true",
            help="Create the development users even when DJANGO_DEBUG is off.",
        )
        parser.add_argument(
            "--publish-in",
            type=float,
            default=3,
            metavar="MINUTES",
            help="Schedule the demo's scheduled briefing this many minutes after loading "
            "(default 3; fractions allowed).",
        )

    def handle(self, *args, with_dev_users, publish_in, **options):
        if not publish_in > 0:
            raise CommandError("--publish-in must be a positive number of minutes.")
        self.counts = defaultdict(Counter)
        self.briefing_notes = []
        try:
            with transaction.atomic():
                self.load_reference()
                self.load_briefings(datetime.timedelta(minutes=publish_in))
                self.load_images()
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(f"The demo dossier was not loaded: {error}") from error
        self.report()
        if settings.DEBUG or with_dev_users:
            self.create_dev_users()
            self.create_demo_readers()
        else:
            self.stderr.write(
                "Not creating development users: DJANGO_DEBUG is off. "
                "Pass --with-dev-users to create them anyway."
            )

    # Writing only what differs keeps a second run free of writes (and of updated_at churn).

    def upsert(self, model, lookup, values=None):
        values = values or {}
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj, outcome = model(**lookup, **values), "created"
        else:
            changed = {f: v for f, v in values.items() if self.differs(obj, f, v)}
            if not changed:
                self.counts[model._meta.verbose_name_plural]["unchanged"] += 1
                return obj
            for field, value in changed.items():
                setattr(obj, field, value)
            outcome = "updated"
        # Field validators and clean(); the database enforces uniqueness and constraints.
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        self.counts[model._meta.verbose_name_plural][outcome] += 1
        return obj

    @staticmethod
    def differs(obj, name, value):
        field = obj._meta.get_field(name)
        if field.is_relation:
            return getattr(obj, field.attname) != (value.pk if value is not None else None)
        return getattr(obj, name) != value

    def load_reference(self):
        actors = {}
        for name, alpha2, alpha3, qid, _ in dossier.STATES:
            actors[slugify(name)] = self.upsert(
                Actor,
                {"slug": slugify(name)},
                {
                    "name": name,
                    "kind": Actor.Kind.STATE,
                    "iso_alpha2": alpha2,
                    "iso_alpha3": alpha3,
                    "wikidata_qid": qid,
                    "summary": dossier.STATE_SUMMARIES.get(name, ""),
                    **french(
                        {
                            "name_fr": dossier.STATE_NAMES_FR[name],
                            "summary_fr": dossier.STATE_SUMMARIES_FR.get(name),
                        }
                    ),
                },
            )
        for data in dossier.ACTORS:
            values = {"short_name": "", "wikidata_qid": "", **data}
            actors[data["slug"]] = self.upsert(Actor, {"slug": values.pop("slug")}, values)
        self.actors = actors

        memberships = [
            (slugify(name), "european-union", "member", joined, dossier.EU_EXITS.get(name))
            for name, *_, joined in dossier.STATES
            if joined
        ]
        memberships += [
            (slugify(name), "nato", "member", joined, None)
            for name, joined in dossier.NATO_MEMBERS.items()
        ]
        for member, organisation, role, start, end in [*memberships, *dossier.INSTITUTIONS]:
            start_date, start_precision = partial(start)
            end_date, end_precision = partial(end)
            self.upsert(
                Membership,
                {"member": actors[member], "organisation": actors[organisation], "role": role},
                {
                    "start_date": start_date,
                    "start_precision": start_precision,
                    "end_date": end_date,
                    "end_precision": end_precision,
                },
            )

        for title, role, organisation, terms in dossier.OFFICES:
            office = self.upsert(
                Office,
                {"organisation": actors[organisation], "role": role},
                {"title": title, "title_fr": dossier.OFFICE_TITLES_FR[title]},
            )
            for person, start, end in terms:
                start_date, start_precision = partial(start)
                end_date, end_precision = partial(end)
                self.upsert(
                    OfficeTerm,
                    {"office": office, "person": actors[person], "start_date": start_date},
                    {
                        "start_precision": start_precision,
                        "end_date": end_date,
                        "end_precision": end_precision,
                    },
                )

        agreements = {}
        for data in dossier.AGREEMENTS:
            signed_on, signed_precision = partial(data.get("signed"))
            concluded_on, concluded_precision = partial(data.get("concluded"))
            adopted_on, adopted_precision = partial(data.get("adopted"))
            agreement = self.upsert(
                Agreement,
                {"slug": data["slug"]},
                {
                    "title": data["title"],
                    "short_name": data["short_name"],
                    "kind": data["kind"],
                    "status": data["status"],
                    "summary": data["summary"],
                    "signed_on": signed_on,
                    "signed_precision": signed_precision,
                    "signed_place": data.get("signed_place", ""),
                    "concluded_on": concluded_on,
                    "concluded_precision": concluded_precision,
                    "provisionally_applied_on": day(data.get("provisionally_applied_on")),
                    "needs_ratification": data.get("needs_ratification", True),
                    "adopted_on": adopted_on,
                    "adopted_precision": adopted_precision,
                    "adopted_by": data.get("adopted_by", ""),
                    "applies_from": day(data.get("applies_from")),
                    **french(data),
                },
            )
            agreements[data["slug"]] = agreement
            for actor, role, note, actions in data["parties"]:
                party = self.upsert(
                    Party,
                    {"agreement": agreement, "actor": actors[actor]},
                    {
                        "role": role,
                        "note": note,
                        **french({"note_fr": dossier.PARTY_NOTES_FR.get(note)}),
                    },
                )
                for kind, date, action_note in actions:
                    date, precision = partial(date)
                    self.upsert(
                        PartyAction,
                        {"party": party, "kind": kind, "date": date},
                        {"note": action_note, "date_precision": precision},
                    )
        for source, kind, target, note in dossier.RELATIONS:
            self.upsert(
                AgreementRelation,
                {"source": agreements[source], "target": agreements[target], "kind": kind},
                {"note": note},
            )
        self.agreements = agreements

        events = {}
        for data in dossier.EVENTS:
            start_date, start_precision = partial(data["start"])
            event = self.upsert(
                Event,
                {"slug": data["slug"]},
                {
                    "title": data["title"],
                    "kind": data["kind"],
                    "status": Event.Status.HELD,
                    "summary": data["summary"],
                    "start_date": start_date,
                    "start_precision": start_precision,
                    "place_name": data["place_name"],
                    "country": actors[data["country"]],
                    "parent": events.get(data.get("parent")),
                    **french(data),
                },
            )
            events[data["slug"]] = event
            for actor, role in data["participants"]:
                self.upsert(Participation, {"event": event, "actor": actors[actor], "role": role})
            wanted = {agreements[slug].pk for slug in data["agreements"]}
            if set(event.agreements.values_list("pk", flat=True)) != wanted:
                event.agreements.set(wanted)
        self.events = events

    def load_briefings(self, publish_in):
        User = get_user_model()
        authors = {}
        for username, first_name, last_name, group in dossier.AUTHORS:
            author = User.objects.filter(username=username).first()
            if author is None:
                author = User(
                    username=username,
                    first_name=first_name,
                    last_name=last_name,
                    email=f"{username}@briefings.example",
                )
                author.set_unusable_password()
                author.save()
                author.groups.add(self.group(group))
                self.counts["demo authors"]["created"] += 1
            else:
                self.counts["demo authors"]["unchanged"] += 1
            authors[username] = author
        editor, writer = authors[dossier.DEMO_EDITOR], authors[dossier.DEMO_WRITER]
        contributors = {}
        for data in dossier.CONTRIBUTORS:
            fields = {k: v for k, v in data.items() if k not in ("user", "slug")}
            contributors[data["user"]] = self.upsert(
                Contributor, {"slug": data["slug"]}, {**fields, "user": authors[data["user"]]}
            )

        for data in dossier.BRIEFINGS:
            if Briefing.objects.filter(slug=data["slug"]).exists():
                self.counts["briefings"]["left as they are"] += 1
                continue
            briefing = Briefing.objects.create(
                slug=data["slug"],
                headline=data["headline"],
                dek=data["dek"],
                body=(BODIES / f"{data['slug']}.md").read_text(encoding="utf-8"),
                article_type=data["article_type"],
                created_by=authors[data["authors"][0]],
            )
            Byline.objects.bulk_create(
                Byline(briefing=briefing, contributor=contributors[username], position=n)
                for n, username in enumerate(data["authors"])
            )
            briefing.actors.set([self.actors[slug] for slug in data["actors"]])
            briefing.agreements.set([self.agreements[slug] for slug in data["agreements"]])
            briefing.events.set([self.events[slug] for slug in data["events"]])
            briefing.tags.set(data["tags"])
            KeyFigure.objects.bulk_create(
                KeyFigure(briefing=briefing, label=label, value=value, unit=unit, source=source)
                for label, value, unit, source in data["key_figures"]
            )
            Source.objects.bulk_create(
                Source(
                    briefing=briefing, title=title, publisher=publisher, published_on=on, url=url
                )
                for title, publisher, on, url in data["sources"]
            )
            briefing.save_revision(by=briefing.created_by, note="Loaded from the demo dossier")
            self.counts["briefings"]["created"] += 1
            if data["state"] == "published":
                self.seed_published(briefing, data["publish_at"], writer, editor)
            elif data["state"] == "scheduled":
                # Through the workflow, like an editor in the admin: the publication task
                # is enqueued when the load commits, and the worker publishes it on time.
                briefing.transition(
                    Briefing.Status.REVIEW, by=briefing.created_by, note="Ready for review."
                )
                scheduled_at = timezone.now() + publish_in
                briefing.transition(
                    Briefing.Status.SCHEDULED,
                    by=editor,
                    publish_at=scheduled_at,
                    note="Scheduled by the demo loader.",
                )
                self.briefing_notes.append(
                    f"“{briefing.headline}” is scheduled for {scheduled_at:%Y-%m-%d %H:%M:%S} UTC."
                )

        self.load_translations(contributors, writer, editor)

    def load_translations(self, contributors, writer, editor):
        """Each version in another language, linked to its original and published with it;
        one that exists already (by slug) is left as it is."""
        for data in dossier.TRANSLATIONS:
            if Briefing.objects.filter(slug=data["slug"]).exists():
                self.counts["translations"]["left as they are"] += 1
                continue
            original = Briefing.objects.get(slug=data["translation_of"])
            briefing = Briefing(
                slug=data["slug"],
                headline=data["headline"],
                dek=data["dek"],
                body=(BODIES / f"{data['slug']}.md").read_text(encoding="utf-8"),
                article_type=original.article_type,
                language=data["language"],
                translation_of=original,
                source_version=original.version,
                created_by=contributors[data["authors"][0]].user,
            )
            briefing.full_clean()
            briefing.save()
            Byline.objects.bulk_create(
                Byline(briefing=briefing, contributor=contributors[username], position=n)
                for n, username in enumerate(data["authors"])
            )
            briefing.actors.set(original.actors.all())
            briefing.agreements.set(original.agreements.all())
            briefing.events.set(original.events.all())
            briefing.tags.set(original.tags.names())
            KeyFigure.objects.bulk_create(
                KeyFigure(briefing=briefing, label=label, value=value, source=source, **figure)
                for label, value, figure, source in data["key_figures"]
            )
            Source.objects.bulk_create(
                Source(
                    briefing=briefing, title=title, publisher=publisher, published_on=on, url=url
                )
                for title, publisher, on, url in data["sources"]
            )
            briefing.save_revision(by=briefing.created_by, note="Loaded from the demo dossier")
            self.counts["translations"]["created"] += 1
            self.seed_published(briefing, data["publish_at"], writer, editor)

    @staticmethod
    def group(name):
        try:
            return Group.objects.get(name=name)
        except Group.DoesNotExist:
            raise CommandError(
                f"The “{name}” role group is missing: it is created by the newsroom migrations."
            ) from None

    def seed_published(self, briefing, publish_at, writer, editor):
        """A briefing published in the past: set directly, with the history it would have had.

        This is seeding, not a user route: no publication task and no `briefing_published`
        signal, so loading the demo never mails subscribers.
        """
        submitted = publish_at - datetime.timedelta(hours=2)
        briefing.status = Briefing.Status.PUBLISHED
        briefing.publish_at = briefing.first_published_at = publish_at
        briefing.version += 2  # one per recorded move, as the workflow counts them
        briefing.save()
        Transition.objects.create(
            briefing=briefing,
            from_status=Briefing.Status.DRAFT,
            to_status=Briefing.Status.REVIEW,
            by=writer,
            at=submitted,
            note="Ready for review.",
        )
        Transition.objects.create(
            briefing=briefing,
            from_status=Briefing.Status.REVIEW,
            to_status=Briefing.Status.PUBLISHED,
            by=editor,
            at=publish_at,
        )

    def load_images(self):
        """The pact briefing's lead image, drawn by briefings/demo/images.py; made once, and
        given to the briefing only if it has no lead image yet (an editor's choice stands)."""
        data = dict(dossier.LEAD_IMAGE)
        slug = data.pop("briefing")
        image = Image.objects.filter(title=data["title"], credit=data["credit"]).first()
        if image is None:
            upload = SimpleUploadedFile("pact.jpg", demo_images.pact_image())
            image = Image(**data, is_public=False)
            image.set_content(processing.clean_upload(upload))
            image.save()
            self.counts["images"]["created"] += 1
        elif missing := {
            k: v for k, v in data.items() if k.endswith("_fr") and not getattr(image, k)
        }:
            for name, value in missing.items():  # French added since it was made
                setattr(image, name, value)
            image.save(update_fields=["i18n"])
            self.counts["images"]["updated"] += 1
        else:
            self.counts["images"]["unchanged"] += 1
        Briefing.objects.filter(slug=slug, lead_image=None).update(lead_image=image)
        # Its translations show the same picture, unless an editor chose another.
        Briefing.objects.filter(translation_of__slug=slug, lead_image=None).update(lead_image=image)

    def report(self):
        self.stdout.write("Demo dossier — the Canada–EU security and defence pact:")
        for name, counts in self.counts.items():
            summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
            self.stdout.write(f"  {name}: {summary}")
        for note in self.briefing_notes:
            self.stdout.write(f"  {note}")

    @transaction.atomic
    def create_demo_readers(self):
        """Confirmed subscribers with instant alerts on CETA or Italy; existing ones are kept."""
        self.stdout.write("Demo readers with instant alerts (their mail lands in the dev mailbox):")
        for email, agreements, actors in DEMO_READERS:
            if Subscriber.objects.filter(email__iexact=email).exists():
                self.stdout.write(f"  {email}: exists, left unchanged")
                continue
            reader = Subscriber.objects.create(
                email=email,
                state=Subscriber.State.CONFIRMED,
                confirmed_at=timezone.now(),
                follow_all=False,
                instant_alerts=True,
            )
            reader.agreements.set(Agreement.objects.filter(slug__in=agreements))
            reader.actors.set(Actor.objects.filter(slug__in=actors))
            self.stdout.write(f"  {email}: follows {reader.follows_summary()}")

    @transaction.atomic
    def create_dev_users(self):
        User = get_user_model()
        self.stdout.write("Development logins (local use only, never in production):")
        for username, password, group in DEV_USERS:
            user = User.objects.filter(username=username).first()
            if user is not None:
                self.stdout.write(f"  {username}: exists, password left unchanged")
                continue
            email = f"{username}@briefings.example"
            if group is None:
                User.objects.create_superuser(username, email, password)
            else:
                user = User.objects.create_user(username, email, password, is_staff=True)
                user.groups.add(self.group(group))
                # A byline of their own, preselected on the briefings they start.
                Contributor.objects.get_or_create(
                    slug=f"dev-{username}",
                    defaults={
                        "name": f"Dev {username.capitalize()}",
                        "role": f"{group.capitalize()} (development login)",
                        "bio": DEV_BIO,
                        "user": user,
                    },
                )
            self.stdout.write(f"  {username} / {password} ({group or 'superuser'})")
