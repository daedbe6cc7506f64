"""Trust and safety pages: /c/<slug>/moderation/, /c/<slug>/audit/, flagging, standing,
and /accounts/sessions/."""

from django.urls import URLPattern, URLResolver, path

from practica.trust import views

app_name = "trust"

urlpatterns: list[URLPattern | URLResolver] = [
    path("c/<slug:slug>/moderation/", views.moderation, name="moderation"),
    path("c/<slug:slug>/moderation/suspend/", views.suspend, name="suspend"),
    path(
        "c/<slug:slug>/moderation/suspensions/<int:suspension_id>/lift/",
        views.suspension_lift_view,
        name="suspension_lift",
    ),
    path(
        "c/<slug:slug>/moderation/<str:kind>/<int:item_id>/<str:action>/",
        views.moderate,
        name="moderate",
    ),
    path("c/<slug:slug>/moderation/people/", views.people, name="people"),
    path("c/<slug:slug>/moderation/people/<str:username>/", views.person, name="person"),
    path("c/<slug:slug>/audit/", views.audit, name="audit"),
    path("c/<slug:slug>/flag/<str:kind>/<int:item_id>/", views.flag, name="flag"),
    path("c/<slug:slug>/tags/<int:thread_id>/", views.tags, name="tags"),
    path("c/<slug:slug>/standing/", views.my_standing, name="standing"),
    path("accounts/sessions/", views.sessions, name="sessions"),
]
