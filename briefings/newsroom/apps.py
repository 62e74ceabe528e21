from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "briefings.newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # Receivers: the public pages' cache, the search index, scheduled publication.
        from briefings.newsroom import cache, receivers  # noqa: F401
