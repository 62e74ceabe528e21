from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The public reading site: above every domain app, imported by none of them."""

    name = "briefings.site"
    label = "site"
    verbose_name = "Reading site"

    def ready(self):
        # Receivers that keep the public pages' cache and the dossier dump fresh.
        from briefings.site import cache, receivers  # noqa: F401
