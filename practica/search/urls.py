"""Search, at /c/<slug>/search/."""

from django.urls import URLPattern, URLResolver, path

from practica.search import views

app_name = "search"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
]
