"""What ``practica related`` and ``practica experts`` share: arguments, batch files, output."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from practica.accounts.models import User
from practica.communities.models import Community
from practica.communities.selectors import AnyUser, community_get_readable
from practica.core.errors import PracticaError

Finder = Callable[[Community, AnyUser, str, int], list[dict[str, Any]]]


def add_arguments(parser: CommandParser, what: str) -> None:
    parser.add_argument("slug", help="the community")
    parser.add_argument("text", nargs="?", help=f"the text to find {what} for")
    parser.add_argument("-k", type=int, default=10, help="how many results (1 to 50)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--batch",
        type=Path,
        help='a JSON-lines file, one {"id": ..., "text": ...} per line; prints one line each',
    )
    parser.add_argument(
        "--as",
        dest="as_user",
        default="",
        help="see what this person may see (default: what anyone may see)",
    )


def batch_lines(path: Path) -> Iterator[tuple[object, str]]:
    """(id, text) per line; a clear error naming the line otherwise."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path}: line {number}: not JSON ({exc.msg})") from exc
            if not isinstance(item, dict) or "id" not in item or "text" not in item:
                raise CommandError(f'{path}: line {number}: expected {{"id": ..., "text": ...}}')
            if not isinstance(item["text"], str):
                raise CommandError(f"{path}: line {number}: text must be a string")
            yield item["id"], item["text"]


def run(command: BaseCommand, options: dict[str, Any], find: Finder) -> None:
    user: AnyUser = None
    if options["as_user"]:
        user = User.objects.filter(username=options["as_user"]).first()
        if user is None:
            raise CommandError(f"no person {options['as_user']!r}")
    try:
        community = community_get_readable(slug=options["slug"], user=user)
        if options["batch"] is not None:
            if options["text"]:
                raise CommandError("give either TEXT or --batch, not both")
            for ident, text in batch_lines(options["batch"]):
                results = find(community, user, text, options["k"]) if text.strip() else []
                short = [{k: r[k] for k in ("id", "source_id", "score")} for r in results]
                command.stdout.write(json.dumps({"id": ident, "results": short}))
            return
        if not options["text"]:
            raise CommandError("give the TEXT to match, or --batch FILE")
        results = find(community, user, options["text"], options["k"])
    except PracticaError as exc:
        raise CommandError(exc.message) from exc
    if options["json"]:
        command.stdout.write(json.dumps({"query": options["text"], "results": results}, indent=2))
        return
    if not results:
        command.stdout.write("nothing found")
    for rank, result in enumerate(results, start=1):
        command.stdout.write(f"{rank:>2}. {result['label']}  ({result['score']:.2f})")
        command.stdout.write(f"    {result['why']}")
