from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "briefings.events"
    verbose_name = "Events"
