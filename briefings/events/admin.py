from django.contrib import admin

from briefings.events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "start_date", "status"]
    search_fields = ["title", "slug", "place_name"]
    prepopulated_fields = {"slug": ["title"]}
