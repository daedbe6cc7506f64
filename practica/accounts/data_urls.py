"""Your data, at /settings/data/ (included from practica/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from practica.accounts import data_views

app_name = "data"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", data_views.data_settings, name="settings"),
    path("download/", data_views.data_download, name="download"),
    path("delete/", data_views.account_delete, name="delete"),
]
