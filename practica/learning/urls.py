"""Collaborative learning, at /c/<slug>/experiments/, /practices/ and /learning-agenda/."""

from django.urls import URLPattern, URLResolver, path

from practica.learning import views

app_name = "learning"

urlpatterns: list[URLPattern | URLResolver] = [
    path("experiments/", views.experiment_board, name="experiments"),
    path("experiments/<int:experiment_id>/", views.experiment_detail, name="experiment"),
    path("experiments/<int:experiment_id>/join/", views.experiment_join, name="join"),
    path("experiments/<int:experiment_id>/check-in/", views.observation_add, name="check_in"),
    path(
        "experiments/<int:experiment_id>/check-ins/<int:observation_id>/feedback/",
        views.feedback_add,
        name="feedback",
    ),
    path("experiments/<int:experiment_id>/reflect/", views.reflection_add, name="reflect"),
    path("experiments/<int:experiment_id>/decide/", views.decision_make, name="decide"),
    path(
        "experiments/<int:experiment_id>/run-chart.csv", views.run_chart_csv, name="run_chart_csv"
    ),
    path("practices/", views.practice_list, name="practices"),
    path("practices/new/", views.practice_create, name="practice_create"),
    path("practices/distil/", views.practice_distil, name="distil"),
    path("practices/<int:practice_id>/", views.practice_detail, name="practice"),
    path(
        "practices/<int:practice_id>/versions/new/",
        views.version_create,
        name="version_create",
    ),
    path(
        "practices/<int:practice_id>/versions/<int:number>/diff/",
        views.version_diff,
        name="version_diff",
    ),
    path("learning-agenda/", views.agenda, name="agenda"),
    path("learning-agenda/<int:item_id>/", views.agenda_update, name="agenda_update"),
]
