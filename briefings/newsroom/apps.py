from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "briefings.newsroom"
    verbose_name = "Newsroom"
