from django.urls import path

from briefings.digests import views

app_name = "digests"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("dev-mailbox/", views.dev_mailbox, name="dev_mailbox"),
    path("dev-mailbox/<str:name>/", views.dev_message, name="dev_message"),
    path("dev-mailbox/<str:name>/html/", views.dev_message_html, name="dev_message_html"),
]
