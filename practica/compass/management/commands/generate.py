"""``practica generate SLUG --people N --interactions M --seed S``: a synthetic community.

Realistic, heavy-tailed activity for scale tests and benchmarks (see
``practica/compass/analysis/synthetic.py``). The same seed gives the same community.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from practica.compass.generate import community_generate
from practica.core.errors import PracticaError


class Command(BaseCommand):
    help = "Generate a synthetic community with realistic activity, for scale tests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="slug of the new community")
        parser.add_argument("--people", type=int, default=1000)
        parser.add_argument("--interactions", type=int, default=10000, help="replies to write")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 0
        try:
            made = community_generate(
                slug=options["slug"],
                people=options["people"],
                interactions=options["interactions"],
                seed=options["seed"],
                progress=(lambda line: self.stderr.write(line)) if verbose else None,
            )
        except PracticaError as exc:
            raise CommandError(exc.message) from None
        if verbose:
            self.stdout.write(
                f"Generated {made.community.slug}: {made.people} people, {made.threads} threads, "
                f"{made.replies} replies, {made.events} ledger events in {made.seconds:.1f} s"
            )
