from django.contrib import admin

from briefings.actors.models import Actor, Office


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "short_name"]
    search_fields = ["name", "short_name", "slug", "iso_alpha2", "iso_alpha3", "wikidata_qid"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation"]
    search_fields = ["title", "role", "organisation__name"]
    autocomplete_fields = ["organisation"]
