from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "briefings.newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # Receivers that keep the public pages' cache and the search index fresh.
        from briefings.newsroom import cache, receivers  # noqa: F401
