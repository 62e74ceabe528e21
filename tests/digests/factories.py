import factory
from django.utils import timezone

from briefings.digests.models import Subscriber


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed daily subscriber following everything unless told otherwise."""

    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reader{n}@mail.example")
    state = Subscriber.State.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def actors(self, create, extracted, **kwargs):
        if create and extracted:
            self.actors.set(extracted)

    @factory.post_generation
    def agreements(self, create, extracted, **kwargs):
        if create and extracted:
            self.agreements.set(extracted)
