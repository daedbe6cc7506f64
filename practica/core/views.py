from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from practica.communities.pages import communities_for_home, memberships_by_community
from practica.core.web import paginate


def home(request: HttpRequest) -> HttpResponse:
    """Every community's card (content stays behind ``readable_by``), the viewer's marked."""
    context = {
        "page": paginate(request, communities_for_home(user=request.user)),
        "mine": memberships_by_community(user=request.user),
    }
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for every URL: JSON in the API's shape under /api/, our page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "not found", "field": None}, status=404)
    return render(request, "404.html", status=404)
