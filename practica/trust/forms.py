"""Forms of trust and safety. They parse input; ``trust.services`` decides and writes."""

from __future__ import annotations

from django import forms

from practica.accounts.forms import PracticaForm
from practica.trust.models import FlagReason
from practica.trust.rules import LEVEL_CHOICES

NOTE_HELP = "Written in the audit log, which every steward can read."


class FlagForm(PracticaForm):
    reason = forms.ChoiceField(
        label="What is wrong?", choices=FlagReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Anything the stewards should know",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you choose “Something else”. Only stewards read it.",
    )


class ModerateForm(PracticaForm):
    note = forms.CharField(label="Note", required=False, max_length=500, help_text=NOTE_HELP)


class SuspendForm(PracticaForm):
    username = forms.CharField(label="Username", max_length=150)
    days = forms.IntegerField(
        label="For how many days",
        required=False,
        min_value=1,
        max_value=3650,
        help_text="Leave empty to suspend until a steward lifts it.",
    )
    note = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The person sees it, and so do the other stewards.",
    )


class OverrideForm(PracticaForm):
    level = forms.TypedChoiceField(
        label="Level",
        choices=[("", "As computed from participation"), *LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(
        label="Why", required=False, max_length=500, help_text="Needed to set a level by hand."
    )


class TagsForm(PracticaForm):
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=600,
        help_text="Comma separated, at most 8: for example compost, worms.",
    )
    reason = forms.CharField(
        label="Why the change",
        required=False,
        max_length=300,
        help_text="Kept in the edit history.",
    )

    def tag_list(self) -> list[str]:
        return [t for t in (part.strip() for part in self.cleaned_data["tags"].split(",")) if t]


class SignOutForm(PracticaForm):
    revoke_tokens = forms.BooleanField(
        label="Also revoke all my access tokens",
        required=False,
        help_text="Scripts that use them will stop working.",
    )
