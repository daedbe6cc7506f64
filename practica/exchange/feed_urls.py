"""Atom feeds, under /c/<slug>/ (included from practica/urls.py); see feeds.py."""

from django.urls import URLPattern, URLResolver, path

from practica.exchange.feeds import CommunityFeed, ThreadFeed

app_name = "feeds"

urlpatterns: list[URLPattern | URLResolver] = [
    path("feed.atom", CommunityFeed(), name="community"),
    path("t/<int:thread_id>/feed.atom", ThreadFeed(), name="thread"),
]
