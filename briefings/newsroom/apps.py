from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "briefings.newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # Receivers: the search index, scheduled publication.
        from briefings.newsroom import receivers  # noqa: F401
