"""Threads and replies, at /c/<slug>/t/."""

from django.urls import URLPattern, URLResolver, path

from practica.exchange import views

app_name = "exchange"

urlpatterns: list[URLPattern | URLResolver] = [
    path("new/", views.thread_create_view, name="thread_create"),
    path("<int:thread_id>/", views.thread_detail, name="thread"),
    path("<int:thread_id>/edit/", views.thread_edit_view, name="thread_edit"),
    path("<int:thread_id>/history/", views.thread_history_view, name="thread_history"),
    path("<int:thread_id>/helped/", views.story_helped, name="story_helped"),
    path("<int:thread_id>/replies/", views.reply_create_view, name="reply_create"),
    path("<int:thread_id>/r/<int:reply_id>/edit/", views.reply_edit_view, name="reply_edit"),
    path("<int:thread_id>/r/<int:reply_id>/accept/", views.reply_accept_view, name="reply_accept"),
    path("<int:thread_id>/r/<int:reply_id>/helped/", views.reply_helped, name="reply_helped"),
    path("<int:thread_id>/r/<int:reply_id>/comment/", views.comment_create, name="comment_create"),
]
