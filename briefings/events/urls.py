from django.urls import path

from briefings.events import views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.detail, name="detail"),
]
