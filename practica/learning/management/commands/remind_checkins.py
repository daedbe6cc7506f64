"""``practica remind_checkins [--community SLUG] [--dry-run]``.

Reminds every participant of a running experiment whose check-in is due (their
last check-in in the current cycle is older than the cycle's check-in period).
Safe to run as often as you like, e.g. hourly from cron: each participant gets
at most one reminder per period. ``--dry-run`` lists who would be reminded and
sends nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from practica.communities.models import Community
from practica.core.errors import PracticaError
from practica.learning.services import checkin_reminders_send


class Command(BaseCommand):
    help = "Remind participants of running experiments whose check-in is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--community", metavar="SLUG", help="only this community")
        parser.add_argument(
            "--dry-run", action="store_true", help="list who would be reminded; send nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        community = None
        if options["community"]:
            community = Community.objects.filter(slug=options["community"]).first()
            if community is None:
                raise CommandError(f"--community: no community {options['community']!r}")
        dry_run = options["dry_run"]
        try:
            reminders = checkin_reminders_send(community=community, dry_run=dry_run)
        except PracticaError as exc:
            raise CommandError(exc.message) from None
        verb = "would remind" if dry_run else "reminded"
        for reminder in reminders:
            due = reminder.due
            experiment = due.cycle.experiment
            state = verb if reminder.sent else "already reminded"
            days = due.periods * due.cycle.checkin_every_days
            self.stdout.write(
                f"{state}: {due.participant.person.username} on “{experiment.title}” "
                f"({experiment.community.slug}, cycle {due.cycle.number}, "
                f"no check-in for {days}+ days)"
            )
        fresh = sum(1 for r in reminders if r.sent)
        already = len(reminders) - fresh
        self.stdout.write(
            f"{len(reminders)} check-in(s) due: {fresh} {verb}, {already} already reminded"
        )
