"""Forms of knowledge weaving."""

from __future__ import annotations

from django import forms

from practica.accounts.forms import PracticaForm
from practica.weaving.services import MAX_NOTE


class IntroductionForm(PracticaForm):
    person_a = forms.CharField(
        label="Introduce", max_length=150, help_text="A member's username.",
        widget=forms.TextInput(attrs={"list": "member-names", "autocomplete": "off"}),
    )  # fmt: skip
    person_b = forms.CharField(
        label="to", max_length=150, help_text="Another member's username.",
        widget=forms.TextInput(attrs={"list": "member-names", "autocomplete": "off"}),
    )  # fmt: skip
    note = forms.CharField(
        label="Why they should meet",
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Both of them will read this.",
    )
