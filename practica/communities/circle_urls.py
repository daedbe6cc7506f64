"""Circles and agreements, under /c/<slug>/ (included from practica/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from practica.communities import circle_views as views

app_name = "circles"

urlpatterns: list[URLPattern | URLResolver] = [
    path("circles/", views.circle_list, name="list"),
    # "new" is a reserved slug, so this never hides a circle.
    path("circles/new/", views.circle_create_view, name="create"),
    path("circles/<slug:circle_slug>/", views.circle_detail, name="detail"),
    path("circles/<slug:circle_slug>/invite/", views.circle_invite_view, name="invite"),
    path("circles/<slug:circle_slug>/join/", views.circle_join_view, name="join"),
    path("circles/<slug:circle_slug>/leave/", views.circle_leave_view, name="leave"),
    path(
        "circles/<slug:circle_slug>/remove/<str:username>/",
        views.circle_remove_view,
        name="remove",
    ),
    path("circles/<slug:circle_slug>/delete/", views.circle_delete_view, name="delete"),
    path(
        "circles/<slug:circle_slug>/agreement/",
        views.agreement_view,
        name="circle_agreement",
    ),
    path(
        "circles/<slug:circle_slug>/agreement/accept/",
        views.agreement_accept_view,
        name="circle_agreement_accept",
    ),
    path(
        "circles/<slug:circle_slug>/agreement/new/",
        views.agreement_publish_view,
        name="circle_agreement_publish",
    ),
    path("agreement/", views.agreement_view, name="agreement"),
    path("agreement/accept/", views.agreement_accept_view, name="agreement_accept"),
    path("agreement/new/", views.agreement_publish_view, name="agreement_publish"),
]
