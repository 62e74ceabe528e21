"""The briefing form's image chooser: the latest library images, each a button that puts its
`![alt](image:ID)` line into the body at the cursor (static/admin/js/image-chooser.js)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from briefings.images.models import Image

CHOOSER_SIZE = 12


class ImageChooserMixin:
    class Media:
        js = ["admin/js/image-chooser.js"]
        css = {"all": ["admin/css/images.css"]}

    @admin.display(description="Insert an image")
    def image_chooser(self, obj):
        images = Image.objects.only("pk", "title", "checksum", "focal_x", "focal_y")[:CHOOSER_SIZE]
        buttons = format_html_join(
            "",
            '<li><button type="button" class="image-choice" data-image-ref="![](image:{})" '
            'title="Insert “{}” into the body at the cursor"><img src="{}" width="64" '
            'height="64" alt="" loading="lazy"><span>{}</span></button></li>',
            ((i.pk, i.title, i.rendition_url("square-160.jpeg"), i.title) for i in images),
        )
        return format_html(
            '<ul class="image-chooser" data-image-chooser data-target="id_body">{}</ul>'
            '<p class="help">The latest {} images; <a href="{}">the library</a> has them all, '
            "each with its line to paste.</p>",
            buttons,
            CHOOSER_SIZE,
            reverse("admin:images_image_changelist"),
        )
