"""The search page of a community: /c/<slug>/search/."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from practica.communities.pages import viewer_of_content
from practica.core.errors import InvalidInput
from practica.core.web import domain_errors, form_error, query_without_page
from practica.exchange.models import ThreadKind
from practica.search.forms import SearchForm
from practica.search.selectors import search_threads


@domain_errors
def search(request: HttpRequest, slug: str) -> HttpResponse:
    # Members-only communities give outsiders the same 404 as a missing one.
    viewer = viewer_of_content(slug=slug, user=request.user)
    form = SearchForm(request.GET or None)
    context: dict[str, object] = {
        **viewer.context(),
        "active_tab": "search",
        "form": form,
        "search_query": request.GET.get("q", ""),
    }
    if form.is_valid() and form.cleaned_data["q"].strip():
        size = settings.PRACTICA_PAGE_SIZE
        page = form.cleaned_data["page"] or 1
        try:
            results = search_threads(
                user=request.user,
                community=viewer.community,
                limit=size,
                offset=(page - 1) * size,
                **form.search_filters(),
            )
        except InvalidInput as exc:
            form_error(form, exc)
        else:
            context |= {
                "results": results,
                "rows": [(hit, ThreadKind(hit.kind).label) for hit in results.hits],
                "page_number": page,
                "query": query_without_page(request),
            }
    return render(request, "search/search.html", context)
