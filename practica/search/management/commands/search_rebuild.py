"""``practica search_rebuild [--community SLUG] [--json]``: rebuild the search index.

For recovery: the triggers keep the index current, so this is only needed
after restoring a database by hand or if the index was damaged. Without
``--community`` the index is dropped and rebuilt whole, triggers included.
A progress bar shows on a terminal; ``--json`` prints one JSON object only.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from practica.communities.models import Community
from practica.search.services import BATCH_SIZE, search_rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index from threads and replies."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--community", metavar="SLUG", help="rebuild one community only")
        parser.add_argument("--json", action="store_true", help="print one JSON summary only")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        community = None
        if options["community"]:
            community = Community.objects.filter(slug=options["community"]).first()
            if community is None:
                raise CommandError(f"no community {options['community']!r}")
        if options["json"]:
            report = search_rebuild(community=community, batch_size=options["batch_size"])
            self.stdout.write(json.dumps(asdict(report)))
            return
        console = Console(file=sys.stderr)
        columns = (
            TextColumn("Indexing threads"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
            task = bar.add_task("index", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            report = search_rebuild(
                community=community, batch_size=options["batch_size"], progress=progress
            )
        self.stdout.write(
            f"Indexed {report.threads} threads and {report.replies} replies "
            f"in {report.communities} communities: {report.documents} documents "
            f"in the index ({report.seconds} s)"
        )
