"""``practica token``: create, list and revoke personal access tokens for the API.

``create`` prints the new token alone on standard output, so that scripts can
capture it (``TOKEN=$(practica token create alice)``); everything meant for a
person goes to standard error. The token is shown once: only its hash is kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from practica.accounts.models import AccessToken
from practica.accounts.selectors import token_get_active, token_list, user_get
from practica.accounts.services import token_create, token_revoke
from practica.core.errors import PracticaError


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


def _row(token: AccessToken) -> str:
    status = "active" if token.is_active else f"revoked {_when(token.revoked_at)}"
    return (
        f"{token.prefix:<12} {token.name[:24]:<24} {_when(token.created_at):<16} "
        f"{_when(token.last_used_at):<16} {status}"
    )


class Command(BaseCommand):
    help = "Create, list and revoke personal access tokens for the API."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="create a token and print it (shown once)")
        create.add_argument("username")
        create.add_argument("--name", default="personal", help="what the token is for")
        listing = actions.add_parser("list", help="list a person's tokens")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="revoke a token at once")
        revoke.add_argument("prefix", help="the prefix shown by 'token list', or the whole token")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(**options)
        except PracticaError as exc:
            raise CommandError(exc.message) from exc

    def _create(self, *, username: str, name: str, **_: Any) -> None:
        if not name.strip() or len(name) > 100:
            raise CommandError("--name must be 1 to 100 characters")
        token, secret = token_create(user=user_get(username=username), name=name.strip())
        self.stdout.write(secret)
        self.stderr.write(
            f"Created token {token.name!r} ({token.prefix}) for {username}. "
            "It is shown only this once: keep it somewhere safe."
        )

    def _list(self, *, username: str, **_: Any) -> None:
        tokens = list(token_list(user=user_get(username=username)))
        if not tokens:
            self.stderr.write(f"{username} has no tokens; create one with 'token create'.")
            return
        self.stdout.write(f"{'PREFIX':<12} {'NAME':<24} {'CREATED':<16} {'LAST USED':<16} STATUS")
        for token in tokens:
            self.stdout.write(_row(token))

    def _revoke(self, *, prefix: str, **_: Any) -> None:
        token = token_get_active(prefix=prefix)
        token_revoke(token=token)
        self.stdout.write(
            f"Revoked token {token.name!r} ({token.prefix}) of {token.user.username}."
        )
