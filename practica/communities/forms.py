"""Forms for communities: the card, roles, and the thread-list filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify

from practica.accounts.forms import PracticaForm
from practica.communities.models import Aspiration, Community, Role, Visibility
from practica.exchange.models import ThreadKind

ASPIRATION_HELP = {
    Aspiration.KNOWLEDGE_WEAVING: "Surface what members know from experience and connect "
    "the people who hold it.",
    Aspiration.COLLABORATIVE_LEARNING: "Try things together in small experiments and adapt "
    "shared practices from what you learn.",
    Aspiration.SYSTEMS_OF_INFLUENCE: "Carry what the community learned beyond it, to change "
    "how things are done more widely.",
}


class CommunityCardForm(PracticaForm):
    """The fields a steward can change at any time."""

    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    domain = forms.CharField(
        max_length=200,
        required=False,
        help_text="The practice you share, in a few words: for example, home brewing.",
    )
    purpose = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why the community exists and who it is for. Markdown works here.",
    )
    aspiration = forms.ChoiceField(
        choices=Aspiration.choices,
        initial=Aspiration.KNOWLEDGE_WEAVING,
        widget=forms.RadioSelect,
        help_text="What the community chooses to be. It can change as the community grows.",
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text="Anyone can find a members-only community and ask to join; only members "
        "read what is said in it.",
    )

    @classmethod
    def for_community(cls, community: Community, data: Any = None) -> CommunityCardForm:
        initial = {name: getattr(community, name) for name in cls.base_fields}
        return cls(data=data, initial=initial)


class CommunityCreateForm(CommunityCardForm):
    slug = forms.CharField(
        label="Web address",
        max_length=100,
        required=False,
        help_text="The community's address: /c/your-slug/. Lower-case letters, digits and "
        "hyphens. Leave empty to make one from the name.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    field_order = ["name", "slug", "domain", "purpose", "aspiration", "visibility"]

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data.get("slug", "").strip()
        if not slug:
            slug = slugify(self.data.get("name", ""))[:100].strip("-")
        return slug


class RoleForm(PracticaForm):
    role = forms.ChoiceField(choices=Role.choices)


class RemoveForm(PracticaForm):
    """Why a steward removes someone or turns a request down (written in the audit log)."""

    note = forms.CharField(
        label="Why", max_length=500, required=False, help_text="Written in the audit log."
    )


KIND_CHOICES = [("", "All kinds"), *ThreadKind.choices]


class ThreadFilterForm(PracticaForm):
    """The filters above a community's thread list (a GET form)."""

    kind = forms.ChoiceField(choices=KIND_CHOICES, required=False)
    tag = forms.CharField(max_length=64, required=False)
    unresolved = forms.BooleanField(label="Unresolved questions and asks only", required=False)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"kind": "", "tag": "", "unresolved": False}
        return {
            "kind": self.cleaned_data["kind"],
            "tag": self.cleaned_data["tag"].strip().lower(),
            "unresolved": self.cleaned_data["unresolved"],
        }
