from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "briefings.agreements"
    verbose_name = "Agreements"
