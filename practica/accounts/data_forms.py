"""The account deletion form: the person confirms with their password."""

from __future__ import annotations

from typing import Any

from django import forms

from practica.accounts.forms import PracticaForm
from practica.accounts.models import User


class DeleteAccountForm(PracticaForm):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To make sure it is you.",
    )
    remove_contributions = forms.BooleanField(
        label="Also remove what I wrote",
        required=False,
        help_text="Your threads and replies are deleted. Where others replied to them, "
        "they stay in place as “[removed by its author]” so that others' words keep "
        "their context; so do your experiment check-ins, feedback and introduction notes. "
        "Unticked, what you wrote stays under the name “former member”.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
