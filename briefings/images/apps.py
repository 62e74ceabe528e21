from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "briefings.images"
    verbose_name = "Image library"

    def ready(self):
        from briefings.images import receivers

        receivers.connect()
