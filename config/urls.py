from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Briefing Desk"
admin.site.site_title = "Briefing Desk"
admin.site.index_title = "The desk"

handler404 = "briefings.site.views.pages.page_not_found"
handler500 = "briefings.site.views.pages.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("email/", include("briefings.digests.webhooks")),
    path("", include("briefings.site.urls")),
]
