from celery import shared_task

from briefings.images.models import Image


@shared_task(name="images.make_renditions", acks_late=True)
def make_renditions(image_id):
    """Make every rendition an image lacks; idempotent, and a gone image is nothing to do."""
    image = Image.objects.filter(pk=image_id).first()
    if image is not None:
        image.make_renditions()
