from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "briefings.digests"
    verbose_name = "Email digests"
