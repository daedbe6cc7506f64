"""``practica trust_recompute [SLUG] [--json]``: recompute trust levels from participation.

Levels are also refreshed one person at a time when they post (see
``practica.trust.levels.REFRESH``); run this after an import, or nightly, so
that every member's level (and what the stewards' page shows) is current.
Stewards' overrides are kept. Prints one line per community, or with
``--json`` one JSON object per line.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from practica.communities.models import Community
from practica.trust.levels import trust_recompute
from practica.trust.rules import Level


class Command(BaseCommand):
    help = "Recompute the trust levels of a community's members (all communities by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?", help="one community (default: every community)")
        parser.add_argument("--json", action="store_true", help="one JSON object per community")

    def handle(self, *args: Any, **options: Any) -> None:
        communities = Community.objects.order_by("slug")
        if options["slug"]:
            communities = communities.filter(slug=options["slug"])
            if not communities.exists():
                raise CommandError(f"no community {options['slug']!r}")
        for community in communities.iterator():
            report = trust_recompute(community=community)
            if options["json"]:
                self.stdout.write(json.dumps(asdict(report)))
                continue
            levels = ", ".join(
                f"{report.by_level[level.label]} {level.label}"
                for level in Level
                if report.by_level.get(level.label)
            )
            self.stdout.write(
                f"{report.community}: {report.people} people in {report.seconds:.1f} s"
                + (f" ({levels})" if levels else "")
            )
