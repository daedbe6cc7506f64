"""``practica related SLUG "TEXT"``: the threads and stories a community has already lived."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from practica.communities.models import Community
from practica.communities.selectors import AnyUser
from practica.weaving.management.commands import _matching
from practica.weaving.selectors import related_for


def find(community: Community, user: AnyUser, text: str, k: int) -> list[dict[str, Any]]:
    return [
        {
            "id": item.thread.pk,
            "source_id": item.source_id,
            "score": item.score,
            "title": item.thread.title,
            "kind": item.thread.kind,
            "why": item.why,
            "label": f"[{item.thread.pk}] {item.thread.title}",
        }
        for item in related_for(community=community, user=user, text=text, k=k)
    ]


class Command(BaseCommand):
    help = "Prior threads and stories of a community most like a text (lived before)."

    def add_arguments(self, parser: CommandParser) -> None:
        _matching.add_arguments(parser, "prior threads")

    def handle(self, *args: Any, **options: Any) -> None:
        _matching.run(self, options, find)
