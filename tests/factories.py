import datetime
import importlib
import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from briefings.actors.models import Actor, Membership, Office, OfficeTerm
from briefings.agreements.models import Agreement, AgreementRelation, Party, PartyAction
from briefings.events.models import Event, Participation
from briefings.images import processing
from briefings.images.models import Image
from briefings.newsroom.models import (
    Briefing,
    Byline,
    Contributor,
    Correction,
    KeyFigure,
    Source,
    Transition,
)

# The fact sheet's ten EU member states that have not ratified CETA.
CETA_NOT_RATIFIED = [
    "Belgium",
    "Bulgaria",
    "Cyprus",
    "France",
    "Greece",
    "Hungary",
    "Ireland",
    "Italy",
    "Poland",
    "Slovenia",
]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Writer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@desk.example")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(role(name))
        if create:
            self.save()


def role(name):
    """The role group, rebuilt from its migration when a transactional test's flush removed it."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        roles = importlib.import_module("briefings.newsroom.migrations.0002_roles")
        bylines = importlib.import_module("briefings.newsroom.migrations.0010_d2_contributor_roles")
        images = importlib.import_module("briefings.images.migrations.0002_e_roles")
        wanted = {
            "writer": roles.WRITER + bylines.WRITER + images.WRITER,
            "editor": roles.EDITOR + bylines.EDITOR + images.EDITOR,
        }
        for app_label, codename in wanted[name]:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return group


def writer(**kwargs):
    return UserFactory(groups=["writer"], **kwargs)


def editor(**kwargs):
    return UserFactory(groups=["editor"], **kwargs)


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.Sequence(lambda n: f"actor-{n}")
    kind = Actor.Kind.STATE
    summary = "A party to the desk's dossiers."


class PersonFactory(ActorFactory):
    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")
    kind = Actor.Kind.PERSON


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(ActorFactory)
    organisation = factory.SubFactory(ActorFactory, kind=Actor.Kind.BLOC)
    start_date = datetime.date(1995, 1, 1)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    organisation = factory.SubFactory(ActorFactory)
    role = factory.Sequence(lambda n: f"Minister {n}")
    title = factory.LazyAttribute(lambda o: f"{o.role} of {o.organisation.name}")


class OfficeTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficeTerm

    office = factory.SubFactory(OfficeFactory)
    person = factory.SubFactory(PersonFactory)
    start_date = datetime.date(2025, 3, 14)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    title = factory.Sequence(lambda n: f"Agreement {n}")
    slug = factory.Sequence(lambda n: f"agreement-{n}")
    kind = Agreement.Kind.TREATY
    status = Agreement.Status.SIGNED
    summary = "An agreement the desk follows."


class AgreementRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementRelation

    source = factory.SubFactory(AgreementFactory)
    target = factory.SubFactory(AgreementFactory)
    kind = AgreementRelation.Kind.MIRRORS


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    agreement = factory.SubFactory(AgreementFactory)
    actor = factory.SubFactory(ActorFactory)


class PartyActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyAction

    party = factory.SubFactory(PartyFactory)
    kind = PartyAction.Kind.SIGNATURE
    date = datetime.date(2016, 10, 30)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = Event.Kind.SUMMIT
    start_date = datetime.date(2025, 6, 23)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    event = factory.SubFactory(EventFactory)
    actor = factory.SubFactory(ActorFactory)
    role = Participation.Role.ATTENDEE


class ContributorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contributor

    name = factory.Sequence(lambda n: f"Sam Author{n}")
    slug = factory.Sequence(lambda n: f"contributor-{n}")
    role = "Analyst"
    bio = "Writes about agreements for the desk."


def add_byline(briefing, *people):
    """Name people in a briefing's byline, in order: contributors, or users through their own
    contributor (made from their full name if they have none)."""
    start = briefing.byline_rows.count()
    for n, person in enumerate(people):
        if not isinstance(person, Contributor):
            person = Contributor.objects.filter(user=person).first() or ContributorFactory(
                user=person, name=person.get_full_name() or "Unnamed Person"
            )
        Byline.objects.create(briefing=briefing, contributor=person, position=start + n)
    return briefing


class BriefingFactory(factory.django.DjangoModelFactory):
    """A published briefing unless told otherwise."""

    class Meta:
        model = Briefing
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Briefing number {n}")
    slug = factory.Sequence(lambda n: f"briefing-{n}")
    dek = "What the desk learned, in one paragraph."
    body = "The first paragraph.\n\nThe second paragraph."
    status = Briefing.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    first_published_at = factory.SelfAttribute("publish_at")

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class DraftFactory(BriefingFactory):
    status = Briefing.Status.DRAFT
    publish_at = None
    first_published_at = None


class KeyFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyFigure

    briefing = factory.SubFactory(BriefingFactory)
    label = "SAFE fund"
    value = "€150 billion"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    briefing = factory.SubFactory(BriefingFactory)
    title = "Joint statement"
    url = "https://example.org/statement"
    publisher = "European Council"


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    briefing = factory.SubFactory(BriefingFactory)
    text = "An earlier version misstated the date."


class TransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transition

    briefing = factory.SubFactory(BriefingFactory)
    from_status = Briefing.Status.DRAFT
    to_status = Briefing.Status.REVIEW


def image_bytes(fmt="PNG", size=(1200, 800), **save):
    """A small real image: a gradient, so encoders have something to do."""
    from PIL import Image as PILImage

    picture = PILImage.linear_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    picture.save(out, fmt, **save)
    return out.getvalue()


def upload(name="photo.png", content=None):
    return SimpleUploadedFile(name, image_bytes() if content is None else content)


class ImageFactory(factory.django.DjangoModelFactory):
    """A library image whose original went through the upload checks."""

    class Meta:
        model = Image

    title = factory.Sequence(lambda n: f"Picture {n}")
    alt_text = "A gradient from dark to light."
    caption = "A test picture."
    credit = "Briefing Desk"
    licence = "CC BY 4.0"

    @classmethod
    def _create(cls, model_class, *args, size=(1200, 800), **kwargs):
        image = model_class(*args, **kwargs)
        image.set_content(processing.clean_upload(upload(content=image_bytes(size=size))))
        image.save()
        return image
