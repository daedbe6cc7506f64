"""``practica suspend USERNAME --by ADMIN --note TEXT [--community SLUG] [--days N]``
and ``practica suspend USERNAME --by ADMIN --lift [--community SLUG]``.

Without ``--community`` the suspension is site-wide: the person cannot log in,
their sessions end and their tokens stop working until it ends or is lifted.
``--by`` names the site administrator (or, with ``--community``, a steward)
on whose behalf the command acts; the audit log records them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from practica.accounts.models import User
from practica.communities.models import Community
from practica.core.errors import PracticaError
from practica.trust.models import Suspension
from practica.trust.selectors import when_text
from practica.trust.services import suspension_create, suspension_lift


class Command(BaseCommand):
    help = "Suspend a person from a community or the whole site, or lift a suspension."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--by", required=True, metavar="USERNAME", help="who acts")
        parser.add_argument("--community", metavar="SLUG", help="default: the whole site")
        parser.add_argument("--days", type=int, help="default: until lifted")
        parser.add_argument("--note", default="", help="the reason (the person sees it)")
        parser.add_argument("--lift", action="store_true", help="lift the current suspension")

    def handle(self, *args: Any, **options: Any) -> None:
        person = self._user(options["username"])
        actor = self._user(options["by"])
        community = None
        if options["community"]:
            community = Community.objects.filter(slug=options["community"]).first()
            if community is None:
                raise CommandError(f"no community {options['community']!r}")
        where = community.name if community else "the whole site"
        try:
            if options["lift"]:
                current = Suspension.objects.active().filter(person=person, community=community)
                suspension = current.first()
                if suspension is None:
                    raise CommandError(f"{person.username} is not suspended from {where}")
                suspension_lift(actor=actor, suspension=suspension, note=options["note"])
                self.stdout.write(f"{person.username} may take part in {where} again")
                return
            suspension = suspension_create(
                actor=actor,
                person=person,
                community=community,
                note=options["note"],
                days=options["days"],
            )
        except PracticaError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{person.username} is suspended from {where} {when_text(suspension.ends_at)}"
        )

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no person {username!r}")
        return user
