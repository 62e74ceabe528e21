from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from briefings.site import urls as site_urls

admin.site.site_header = "Briefing Desk"
admin.site.site_title = "Briefing Desk"
admin.site.index_title = _("The desk")

handler404 = "briefings.site.views.pages.page_not_found"
handler500 = "briefings.site.views.pages.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("email/", include("briefings.digests.webhooks")),
    path("i18n/", include("django.conf.urls.i18n")),
    *site_urls.urlpatterns,
    *i18n_patterns(*site_urls.localized_urlpatterns),
]
