"""Refuse logins of people suspended from the whole site.

Listed first in ``AUTHENTICATION_BACKENDS``: Django asks each backend in
turn, and ``PermissionDenied`` stops it before the ordinary ``ModelBackend``
lets the person in. The refusal says why only to someone who gave the right
password; everyone else sees the usual "wrong username or password".
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from practica.accounts.models import User
from practica.trust.selectors import suspension_message, suspension_of

#: The request attribute the security middleware reads to explain a refusal.
REFUSAL_ATTRIBUTE = "practica_login_refusal"


class SuspendedBackend(ModelBackend):
    """Never lets anyone in by itself: it only stops suspended people. (A ``ModelBackend``
    so that sessions opened with it, as ``Client.force_login`` does, load their user.)"""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not username or not password:
            return None
        person = User.objects.filter(username=username).first()
        if person is None:
            return None
        suspension = suspension_of(person, None)
        if suspension is None or suspension.community_id is not None:
            return None
        if person.check_password(password):
            if request is not None:
                setattr(request, REFUSAL_ATTRIBUTE, suspension_message(suspension))
            raise PermissionDenied(suspension_message(suspension))
        return None
