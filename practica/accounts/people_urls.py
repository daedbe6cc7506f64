"""People's public profiles, at /people/<username>/."""

from django.urls import URLPattern, URLResolver, path

from practica.accounts import views

app_name = "people"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:username>/", views.profile, name="profile"),
]
