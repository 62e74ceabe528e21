from django.contrib import admin

from briefings.agreements.models import Agreement


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "short_name", "kind", "status"]
    search_fields = ["title", "short_name", "slug"]
    prepopulated_fields = {"slug": ["title"]}
