from django.urls import path

from briefings.actors import views

app_name = "actors"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.detail, name="detail"),
]
