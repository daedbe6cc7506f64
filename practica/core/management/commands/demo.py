"""``practica demo``: seed the demo communities, once.

Running it again leaves the demo alone; ``--reset`` removes the demo's
communities and accounts and seeds them afresh.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from practica.communities.models import Community
from practica.compass.services import compass_refresh
from practica.core.demo.model import DEMO_PASSWORD
from practica.core.demo.people import PEOPLE
from practica.core.demo.seed import COMMUNITIES, MAIN, demo_exists, demo_reset, demo_seed
from practica.core.errors import PracticaError
from practica.core.management.commands.serve import unapplied_migrations


class Command(BaseCommand):
    help = "Seed two demo communities of urban growers, with people who can sign in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="remove the demo and seed it again"
        )
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000", help="where the site will be served"
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="seed even when PRACTICA_ENV=production (the accounts have a published password)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "refusing to create demo accounts with a published password in production "
                "(pass --allow-production if this really is a demo site)"
            )
        missing = unapplied_migrations()
        if missing is None:
            raise CommandError("cannot reach the database: check DATABASE_URL")
        if missing:
            raise CommandError(
                f"the database lacks {missing} migration(s): run `practica migrate` first"
            )
        url = options["url"].rstrip("/")
        if demo_exists() and not options["reset"]:
            self.stdout.write(
                f"The demo is already seeded ({MAIN.name}); nothing to do. "
                "Use `practica demo --reset` to rebuild it."
            )
            self._print_sign_in(url)
            return
        try:
            # One transaction: a reset whose reseeding fails leaves the old demo in place.
            with transaction.atomic():
                if options["reset"]:
                    demo_reset()
                    self.stdout.write("Removed the demo communities and accounts.")
                report = demo_seed()
        except PracticaError as exc:
            raise CommandError(exc.message) from exc
        # The compass is computed once, so that a steward opening the demo sees where the
        # communities stand (and can recompute from the page).
        for community in Community.objects.filter(slug__in=[c.slug for c in COMMUNITIES]):
            compass_refresh(community=community)
        names = " and ".join(c.name for c in COMMUNITIES)
        self.stdout.write(
            f"Seeded {names}: {report.people} people, {report.threads} threads, "
            f"{report.replies} replies, {report.acknowledgements} acknowledgements, "
            f"{report.ledger_events} ledger events."
        )
        self._print_sign_in(url)

    def _print_sign_in(self, url: str) -> None:
        others = ", ".join(p.username for p in PEOPLE if p.username != "steward")
        self.stdout.write(
            f"\n  Open {url}/ and sign in as  steward / {DEMO_PASSWORD}\n"
            f"  Community: {url}/c/{MAIN.slug}/\n"
            f"  The other demo people ({others}) use the same password.\n"
        )
