"""``practica experts SLUG "TEXT"``: the members most likely to know, from their record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from practica.communities.models import Community
from practica.communities.selectors import AnyUser
from practica.weaving.management.commands import _matching
from practica.weaving.selectors import experts_for


def find(community: Community, user: AnyUser, text: str, k: int) -> list[dict[str, Any]]:
    return [
        {
            "id": item.person.pk,
            "source_id": item.source_id,
            "score": item.score,
            "username": item.person.username,
            "name": item.person.name,
            "why": item.why,
            "label": f"{item.person.name} (@{item.person.username})",
        }
        for item in experts_for(community=community, user=user, text=text, k=k)
    ]


class Command(BaseCommand):
    help = "Members most likely to know about a text, ranked from what they did (who knows)."

    def add_arguments(self, parser: CommandParser) -> None:
        _matching.add_arguments(parser, "people")

    def handle(self, *args: Any, **options: Any) -> None:
        _matching.run(self, options, find)
