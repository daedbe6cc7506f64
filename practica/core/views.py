from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from practica.communities.models import Community


def home(request: HttpRequest) -> HttpResponse:
    communities = Community.objects.visible_to(request.user)
    return render(request, "core/home.html", {"communities": communities})


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
