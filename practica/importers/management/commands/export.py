"""``practica export SLUG PATH``: a community as a Practica export (JSON Lines).

An admin tool: it exports everything of the community. The format is in
docs/export-format.md; ``practica import practica PATH`` restores it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from practica.communities.models import Community
from practica.importers.export import community_export_to_path


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Export a community (people, threads, replies, links, ledger...) to a .jsonl file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the community's slug")
        parser.add_argument("path", type=Path, help="the file to write (.jsonl)")
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        community = Community.objects.filter(slug=options["slug"]).first()
        if community is None:
            raise CommandError(f"no community with the slug {options['slug']!r}")
        path: Path = options["path"]
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent}: no such folder")
        try:
            counts = community_export_to_path(community, path)
        except OSError as exc:
            raise CommandError(f"{exc.filename or path}: {exc.strerror}") from None
        if options["json"]:
            self.stdout.write(json.dumps({"community": community.slug, **counts}))
        else:
            listed = ", ".join(f"{n} {kind}" for kind, n in counts.items())
            self.stdout.write(f"{community.slug} exported to {path}: {listed}")
