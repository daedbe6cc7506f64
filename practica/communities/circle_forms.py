"""Forms for circles and agreements. They parse; ``communities.circles`` decides."""

from __future__ import annotations

from django import forms
from django.utils.text import slugify

from practica.accounts.forms import PracticaForm
from practica.communities.models import CircleTier

TIER_HELP = {
    CircleTier.OPEN: "Anyone who can read the community reads it too.",
    CircleTier.MEMBERS: "Only the community's members read it.",
    CircleTier.PRIVATE: "Only the people its members invite know it exists and read it.",
    CircleTier.CONFIDENTIAL: "Private, and also kept out of search for others, out of "
    "exports, and out of the compass's detail (it only counts toward community totals "
    "once five or more people have written in it).",
}


class CircleCreateForm(PracticaForm):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    slug = forms.CharField(
        label="Web address",
        max_length=100,
        required=False,
        help_text="Lower-case letters, digits and hyphens. Leave empty to make one from the name.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who the circle is for and what it holds. Markdown works here.",
    )
    tier = forms.ChoiceField(
        label="Who may read it",
        choices=CircleTier.choices,
        initial=CircleTier.MEMBERS,
        widget=forms.RadioSelect,
    )
    chatham_house = forms.BooleanField(
        label="Chatham House rule",
        required=False,
        help_text="What is said may be used outside the circle, but never who said it: "
        "outside the circle, authors are shown as “a member of” the circle.",
    )

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data.get("slug", "").strip()
        if not slug:
            slug = slugify(self.data.get("name", ""))[:100].strip("-")
        return slug


class InviteForm(PracticaForm):
    username = forms.CharField(
        label="Invite a member of the community",
        max_length=150,
        help_text="Their username, as in @username.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lstrip("@")


class AgreementForm(PracticaForm):
    body = forms.CharField(
        label="The agreements",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Markdown works here. Everyone, you included, accepts the new version "
        "before taking part again.",
    )
    change_note = forms.CharField(
        label="What changed, and why",
        max_length=300,
        required=False,
        help_text="Shown to members when they are asked to accept the new version.",
    )


class AcceptForm(PracticaForm):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
