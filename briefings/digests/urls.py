from django.urls import path

from briefings.digests import views

app_name = "digests"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
]
