"""Pulse surveys, under /c/<slug>/surveys/ (included from practica/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from practica.surveys import views

app_name = "surveys"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.survey_list_view, name="list"),
    path("new/", views.survey_create_view, name="create"),
    path("<int:survey_id>/", views.survey_detail, name="detail"),
    path("<int:survey_id>/results/", views.survey_results_view, name="results"),
    path("<int:survey_id>/open/", views.survey_status, {"action": "open"}, name="open"),
    path("<int:survey_id>/close/", views.survey_status, {"action": "close"}, name="close"),
]
