"""The compass of a community, at /c/<slug>/compass/."""

from django.urls import URLPattern, URLResolver, path

from practica.compass import views

app_name = "compass"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.compass_page, name="page"),
    path("recompute/", views.compass_recompute, name="recompute"),
    path("settings/", views.compass_settings, name="settings"),
    path("report.html", views.download_html, name="report_html"),
    path("report.pdf", views.download_pdf, name="report_pdf"),
    path("series.csv", views.download_csv, name="series_csv"),
]
