from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "briefings.digests"
    verbose_name = "Email digests"

    def ready(self):
        from briefings.digests import receivers  # noqa: F401
