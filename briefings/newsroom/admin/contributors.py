"""Contributors on the desk: the people bylines name, searchable for the byline autocomplete."""

from django.contrib import admin
from django.db.models import Count

from briefings.newsroom.models import Contributor


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "user", "briefing_count", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["name", "role", "slug", "user__username", "user__email"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    fields = ["name", "slug", "role", "bio", "links", "user"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(briefing_count=Count("credits"))
            .order_by("name", "pk")
        )

    @admin.display(description="briefings", ordering="briefing_count")
    def briefing_count(self, obj):
        return obj.briefing_count
