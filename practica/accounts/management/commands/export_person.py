"""``practica export_person USERNAME PATH``: everything held about one person, as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from practica.accounts.models import User
from practica.accounts.services import person_export


class Command(BaseCommand):
    help = "Write everything Practica holds about one person to a JSON file (their data rights)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("path", help="Where to write the JSON file ('-' for standard output).")

    def handle(self, *args: Any, username: str, path: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no person {username!r}")
        text = json.dumps(person_export(user=user), ensure_ascii=False, indent=2, sort_keys=True)
        if path == "-":
            self.stdout.write(text)
            return
        target = Path(path)
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent}: no such folder")
        partial = target.with_name(target.name + ".partial")
        partial.write_text(text + "\n", encoding="utf-8")
        partial.replace(target)
        counts = {k: len(v) for k, v in json.loads(text).items() if isinstance(v, list)}
        summary = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items() if n)
        self.stdout.write(f"{username}: written to {target} ({summary or 'profile only'})")
