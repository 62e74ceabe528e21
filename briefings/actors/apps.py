from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "briefings.actors"
    verbose_name = "Actors"
