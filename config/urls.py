from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Briefing Desk"
admin.site.site_title = "Briefing Desk"
admin.site.index_title = "The desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("briefings/", include("briefings.newsroom.urls")),
    path("actors/", include("briefings.actors.urls")),
    path("agreements/", include("briefings.agreements.urls")),
    path("events/", include("briefings.events.urls")),
    path("subscribe/", include("briefings.digests.urls")),
]
