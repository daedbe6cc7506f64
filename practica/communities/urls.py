"""Communities, at /c/: the list lives on the home page."""

from django.urls import URLPattern, URLResolver, path

from practica.communities import views

app_name = "communities"

urlpatterns: list[URLPattern | URLResolver] = [
    # "new" is a reserved slug, so this never hides a community.
    path("new/", views.community_create_view, name="create"),
    path("<slug:slug>/", views.community_detail, name="detail"),
    path("<slug:slug>/edit/", views.community_edit, name="edit"),
    path("<slug:slug>/join/", views.community_join_view, name="join"),
    path("<slug:slug>/leave/", views.community_leave_view, name="leave"),
    path("<slug:slug>/members/", views.members, name="members"),
    path(
        "<slug:slug>/members/<str:username>/approve/",
        views.member_approve,
        name="member_approve",
    ),
    path("<slug:slug>/members/<str:username>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/members/<str:username>/reject/", views.member_reject, name="member_reject"),
    path("<slug:slug>/members/<str:username>/remove/", views.member_remove, name="member_remove"),
]
