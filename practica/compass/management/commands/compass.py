"""``practica compass SLUG [--json] [--since DATE] [--until DATE] [--report DIR]``.

Brings the community's compass up to date for the window (the whole history by
default) and stores it as a snapshot; prints a summary, or with ``--json`` one
JSON object and nothing else. ``--report DIR`` also writes report.html,
report.pdf and series.csv there. Bad input gives one line and exit status 1.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from practica.communities.models import Community
from practica.compass.report import write_report
from practica.compass.services import compass_refresh
from practica.compass.visibility import with_detail
from practica.core.errors import PracticaError


def parse_date(text: str, name: str) -> datetime:
    """``YYYY-MM-DD`` (midnight UTC) or an ISO 8601 time; a time without a zone is UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--{name}: {text!r} is not a date (use YYYY-MM-DD)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = "Compute a community's compass (stage, archetypes, figures, next steps)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the community's slug")
        parser.add_argument("--json", action="store_true", help="print one JSON object only")
        parser.add_argument("--since", help="start of the window (YYYY-MM-DD, inclusive)")
        parser.add_argument("--until", help="end of the window (YYYY-MM-DD, exclusive)")
        parser.add_argument("--report", type=Path, metavar="DIR", help="write the report here")
        parser.add_argument("--force", action="store_true", help="recompute every month")
        parser.add_argument("--seed", type=int, default=0, help="seed for clustering (default 0)")

    def handle(self, *args: Any, **options: Any) -> None:
        since = parse_date(options["since"], "since") if options["since"] else None
        until = parse_date(options["until"], "until") if options["until"] else None
        community = Community.objects.filter(slug=options["slug"]).first()
        if community is None:
            raise CommandError(f"no community {options['slug']!r}")
        try:
            refresh = compass_refresh(
                community=community,
                since=since,
                until=until,
                force=options["force"],
                seed=options["seed"],
            )
        except PracticaError as exc:
            raise CommandError(exc.message) from None
        result = with_detail(refresh.snapshot.result)
        written: list[Path] = []
        if options["report"] is not None:
            try:
                written = write_report(result, options["report"])
            except OSError as exc:
                raise CommandError(f"--report {options['report']}: {exc.strerror}") from None
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self._summary(result, refresh.computed, refresh.seconds, refresh.reused_months, written)

    def _summary(
        self,
        c: dict[str, Any],
        computed: bool,
        seconds: float,
        reused: int,
        written: list[Path],
    ) -> None:
        out = self.stdout.write
        how = (
            f"computed in {seconds:.2f} s ({reused} stored months reused)"
            if computed
            else "already up to date"
        )
        out(f"Compass of {c['community_name']} ({c['community']}): {how}")
        out(f"Stage: {c['stage']['label']}")
        for e in c["stage"]["evidence"]:
            out(f"  - {e['says']}")
        for a in c["archetypes"].values():
            score = "—" if a["score"] is None else f"{a['score']:.2f}"
            out(f"{a['label']}: {a['level']} ({score})")
        p, g = c["people"], c["reply_graph"]
        out(
            f"People: {p['contributors']} contributors, {p['newcomers']} newcomers, "
            f"Gini {p['gini']}, top 10% share {p['top10_share']}"
        )
        out(
            f"Reply graph: {g['nodes']} people, {g['edges']} connections, reciprocity "
            f"{g['reciprocity']}, {g['communities']} clusters (modularity {g['modularity']})"
        )
        for step in c["next_steps"]:
            out(f"Next: {step['title']}: {step['count']}")
        for path in written:
            out(f"Wrote {path}")
