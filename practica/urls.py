from django.contrib import admin
from django.urls import include, path

from practica.api import api
from practica.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("practica.accounts.urls")),
    path("c/<slug:slug>/search/", include("practica.search.urls")),
    path("c/<slug:slug>/", include("practica.learning.urls")),
    path("c/", include("practica.communities.urls")),
    path("c/<slug:slug>/", include("practica.communities.circle_urls")),
    path("c/<slug:slug>/", include("practica.exchange.feed_urls")),
    path("c/<slug:slug>/surveys/", include("practica.surveys.urls")),
    path("c/<slug:slug>/t/", include("practica.exchange.urls")),
    path("c/<slug:slug>/compass/", include("practica.compass.urls")),
    path("people/", include("practica.accounts.people_urls")),
    path("settings/data/", include("practica.accounts.data_urls")),
    path("", include("practica.trust.urls")),
    path("", include("practica.weaving.urls")),
]

handler404 = "practica.core.views.page_not_found"
