"""``practica import FORMAT PATH --community SLUG [--json]``: bring an archive in.

Formats are listed in ``practica/importers/formats.py``. With ``--json`` the
command prints one JSON object at the end and nothing else; otherwise a
progress bar (rows per second, time left) when run on a terminal. Bad input
gives one line naming the file and line, and exit status 1.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from practica.core.errors import PracticaError
from practica.importers.formats import FORMATS, format_module
from practica.importers.loader import DEFAULT_BATCH
from practica.importers.progress import progress_bar
from practica.importers.services import archive_import, import_summary


class Command(BaseCommand):
    # Imports are scripted and timed; the checks run with every other command.
    requires_system_checks: list[str] = []
    help = "Import an archive (Stack Exchange dump, Practica export, chat, mail) into a community."

    def add_arguments(self, parser: CommandParser) -> None:
        formats = parser.add_subparsers(dest="format", metavar="FORMAT", required=True)
        for name in FORMATS:
            sub = formats.add_parser(name, help=f"import a {name} archive")
            sub.add_argument("path", type=Path, help="the archive: a file or a folder")
            sub.add_argument("--community", help="slug of the community (created if missing)")
            sub.add_argument("--json", action="store_true", help="print one JSON summary only")
            sub.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
            module = format_module(name)
            if module is not None and hasattr(module, "add_arguments"):
                module.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        started, cpu_started = time.perf_counter(), time.process_time()
        fmt = options["format"]
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            with progress_bar(enabled=not options["json"], label=f"{fmt} import") as progress:
                outcome = archive_import(
                    fmt=fmt,
                    path=options["path"],
                    slug=options["community"],
                    options=options,
                    progress=progress,
                    batch_size=options["batch_size"],
                )
        except PracticaError as exc:
            raise CommandError(exc.message) from None
        except OSError as exc:
            raise CommandError(f"{exc.filename or options['path']}: {exc.strerror}") from None
        except DatabaseError as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise CommandError(f"database: {first} (has `practica migrate` been run?)") from None
        summary = import_summary(outcome, started=started, cpu_started=cpu_started)
        if options["json"]:
            self.stdout.write(json.dumps(summary, sort_keys=False))
            return
        skipped = sum(summary["skipped"].values())
        self.stdout.write(
            f"{summary['community']}: {summary['people']} people, {summary['threads']} threads, "
            f"{summary['replies']} replies, {summary['links']} links, {summary['events']} events; "
            f"this run: {summary['created']} created, {summary['updated']} updated, "
            f"{summary['unchanged']} unchanged, {skipped} skipped ({summary['seconds']} s)"
        )
        for reason, count in summary["skipped"].items():
            self.stdout.write(f"  skipped {count}: {reason}")
