"""Forms for people: signing up, their profile, their access tokens.

Forms only parse and check the shape of input; ``accounts.services`` does the writing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from practica.accounts.models import User


class PracticaForm(forms.Form):
    """Labels without a trailing colon; our field template adds what it needs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SignupForm(PracticaForm):
    username = forms.CharField(
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="How others mention you (@name). Letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        help_text="Used only to reset your password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        strip=False,
        help_text="At least 8 characters; not only digits, not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Password, again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        # "Ada" and "ada" would be two people who look like one.
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("That username is taken; please choose another.")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The two passwords are not the same.")
        elif password:
            candidate = User(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class ProfileForm(PracticaForm):
    display_name = forms.CharField(
        label="Name", max_length=150, required=False, help_text="Shown instead of your username."
    )
    bio = forms.CharField(
        label="About you",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown works here.",
    )
    interests = forms.CharField(
        max_length=500,
        required=False,
        help_text="Comma separated, for example: hops, water, yeast.",
    )
    offers = forms.CharField(
        label="What I can offer", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    learning = forms.CharField(
        label="What I am learning", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    sector = forms.CharField(max_length=100, required=False, help_text="For example: health.")
    discipline = forms.CharField(max_length=100, required=False, help_text="For example: nursing.")
    region = forms.CharField(max_length=100, required=False)
    role_in_practice = forms.CharField(
        label="Role", max_length=100, required=False, help_text="For example: team lead."
    )
    location = forms.CharField(max_length=200, required=False)
    website = forms.URLField(max_length=500, required=False, assume_scheme="https")

    # The page groups the last four under "Perspectives".
    field_order = [
        "display_name", "bio", "location", "website", "interests", "offers", "learning",
        "sector", "discipline", "region", "role_in_practice",
    ]  # fmt: skip

    @classmethod
    def for_person(cls, person: User, data: Any = None) -> ProfileForm:
        initial = {name: getattr(person, name) for name in cls.base_fields}
        return cls(data=data, initial=initial)


class TokenForm(PracticaForm):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, so you recognise it later: for example, my-script.",
    )
