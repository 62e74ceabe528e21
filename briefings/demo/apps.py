from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "briefings.demo"
    verbose_name = "Demo dossier"
