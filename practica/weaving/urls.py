"""Knowledge weaving pages, under /c/<slug>/ (see practica/urls.py) and /notifications/."""

from django.urls import URLPattern, URLResolver, path

from practica.weaving import views

app_name = "weaving"

urlpatterns: list[URLPattern | URLResolver] = [
    path("c/<slug:slug>/related/", views.related_partial, name="related"),
    path("c/<slug:slug>/experts/", views.experts_page, name="experts"),
    path("c/<slug:slug>/experts/invite/", views.invite, name="invite"),
    path("c/<slug:slug>/people/", views.directory_page, name="directory"),
    path("c/<slug:slug>/people/<str:username>/", views.person_page, name="person"),
    path("c/<slug:slug>/introduce/", views.introduce, name="introduce"),
    path("notifications/", views.notifications_page, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:notification_id>/", views.notification_open, name="notification_open"),
]
