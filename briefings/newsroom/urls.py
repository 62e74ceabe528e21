from django.urls import path

from briefings.newsroom import views

app_name = "newsroom"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("preview/<str:token>/", views.preview, name="preview"),
]
