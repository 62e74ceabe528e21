from django.urls import path

from briefings.agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.detail, name="detail"),
]
