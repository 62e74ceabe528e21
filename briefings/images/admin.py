from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from briefings.images import processing
from briefings.images.models import RATIOS, Image


class ImageForm(forms.ModelForm):
    """The upload is checked by its content before anything is stored (processing.py)."""

    class Meta:
        model = Image
        fields = [
            "file",
            "title",
            "alt_text",
            "caption",
            "credit",
            "licence",
            "source_url",
            "focal_x",
            "focal_y",
            "is_public",
        ]
        widgets = {
            # No "Currently: <link>": originals are not served; the preview above is.
            "file": forms.FileInput(
                attrs={"accept": ",".join(f"image/{f.lower()}" for f in processing.ACCEPTED)}
            ),
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": 0, "max": 1}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": 0, "max": 1}),
        }
        help_texts = {
            "file": f"{processing.ACCEPTED_LABEL}; metadata (EXIF, GPS) is removed on upload.",
            "focal_x": "Click the preview to set the focal point; crops keep it in view.",
        }

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            self.cleaned_upload = processing.clean_upload(upload)
        return upload

    def save(self, commit=True):
        image = super().save(commit=False)
        cleaned = getattr(self, "cleaned_upload", None)
        if cleaned is not None:
            image.set_content(cleaned)
        if commit:
            image.save()
        return image


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "title", "credit", "licence", "size", "markdown", "is_public"]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["is_public", "licence"]
    search_fields = ["title", "alt_text", "alt_text_fr", "caption", "caption_fr", "credit"]
    readonly_fields = ["focal_point_picker", "size", "markdown"]
    fieldsets = [
        (None, {"fields": ["file", "focal_point_picker", "focal_x", "focal_y"]}),
        (
            gettext_lazy("Description"),
            {"fields": ["title", ("alt_text", "alt_text_fr"), ("caption", "caption_fr")]},
        ),
        ("Rights", {"fields": ["credit", "licence", "source_url", "is_public"]}),
        ("File", {"fields": ["size", "markdown"]}),
    ]

    class Media:
        js = ["admin/js/focal-point.js"]
        css = {"all": ["admin/css/images.css"]}

    @admin.display(description="")
    def thumbnail(self, obj):
        return format_html(
            '<img src="{}" width="80" height="80" alt="" class="image-thumb" loading="lazy">',
            obj.rendition_url("square-160.jpeg"),
        )

    @admin.display(description=gettext_lazy("In a body"))
    def markdown(self, obj):
        """The line that places the image in a briefing's body (richtext resolves it)."""
        if not obj.pk:
            return "—"
        return format_html('<code class="image-ref">![](image:{})</code>', obj.pk)

    @admin.display(description=gettext_lazy("Size"))
    def size(self, obj):
        return f"{obj.width} × {obj.height} px, {obj.format}" if obj.pk else "—"

    @admin.display(description=gettext_lazy("Focal point"))
    def focal_point_picker(self, obj):
        if not obj.pk:
            return gettext("Save the image first, then click it here to set its focal point.")
        return format_html(
            '<div class="focal-picker" data-focal-picker>'
            '<img src="{}" width="{}" height="{}" alt="{}">'
            '<span class="focal-mark" hidden></span></div>',
            obj.rendition_url("full-480.jpeg"),
            *obj.rendition_size(RATIOS["full"], 480),
            obj.alt_text,
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if change and {"file", "focal_x", "focal_y"} & set(form.changed_data):
            obj.discard_renditions()
