"""The search form: the words, and filters on kind, tag, author and days."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from practica.accounts.forms import PracticaForm
from practica.exchange.models import ThreadKind
from practica.search.query import MAX_QUERY_CHARS
from practica.search.selectors import MAX_OFFSET

KIND_CHOICES = [("", "All kinds"), *ThreadKind.choices]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchForm(PracticaForm):
    q = forms.CharField(
        label="Search for",
        # Longer input is cut by the query reader; this only stops absurd URLs.
        max_length=MAX_QUERY_CHARS * 4,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(choices=KIND_CHOICES, required=False)
    tag = forms.CharField(max_length=64, required=False)
    author = forms.CharField(label="Started by", max_length=150, required=False)
    since = forms.DateField(label="From", required=False, widget=_date_input())
    until = forms.DateField(label="To", required=False, widget=_date_input())
    page = forms.IntegerField(
        min_value=1, max_value=MAX_OFFSET // settings.PRACTICA_PAGE_SIZE, required=False
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return data

    def search_filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "q": data["q"],
            "kind": data["kind"] or None,
            "tag": data["tag"].strip() or None,
            "author": data["author"].strip() or None,
            "since": data["since"],
            "until": data["until"],
        }

    @property
    def has_filters(self) -> bool:
        return any(self.cleaned_data.get(k) for k in ("kind", "tag", "author", "since", "until"))
