"""The briefing form's image chooser: the latest library images, each a button that puts its
`![alt](image:ID)` line into the body at the cursor (static/admin/js/image-chooser.js)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy

from briefings.images.models import Image

CHOOSER_SIZE = 12


class ImageChooserMixin:
    class Media:
        js = ["admin/js/image-chooser.js"]
        css = {"all": ["admin/css/images.css"]}

    @admin.display(description=gettext_lazy("Insert an image"))
    def image_chooser(self, obj):
        images = Image.objects.only("pk", "title", "checksum", "focal_x", "focal_y")[:CHOOSER_SIZE]
        buttons = format_html_join(
            "",
            '<li><button type="button" class="image-choice" data-image-ref="![](image:{})" '
            'title="{}"><img src="{}" width="64" '
            'height="64" alt="" loading="lazy"><span>{}</span></button></li>',
            (
                (
                    i.pk,
                    gettext("Insert “%(title)s” into the body at the cursor") % {"title": i.title},
                    i.rendition_url("square-160.jpeg"),
                    i.title,
                )
                for i in images
            ),
        )
        return format_html(
            '<ul class="image-chooser" data-image-chooser data-target="id_body">{}</ul>'
            '<p class="help">{}</p>',
            buttons,
            format_html(
                gettext(
                    'The latest {} images; <a href="{}">the library</a> has them all, '
                    "each with its line to paste."
                ),
                CHOOSER_SIZE,
                reverse("admin:images_image_changelist"),
            ),
        )
