"""Helpers for search tests: threads and replies written the way people write them."""

from __future__ import annotations

from typing import Any

import pytest

from practica.exchange.models import Reply, Thread, ThreadKind
from practica.exchange.services import reply_create, thread_create
from practica.search.selectors import SearchPage, search_threads


class Writer:
    """Writes through the exchange services, as the bakers of the growers community."""

    def __init__(self, people: Any) -> None:
        self.people = people

    def thread(self, title: str, body: str = "Some words.", **fields: Any) -> Thread:
        values: dict[str, Any] = {
            "community": self.people.community,
            "author": self.people.member,
            "kind": ThreadKind.QUESTION,
        }
        values.update(fields)
        if values["kind"] == ThreadKind.STORY and "body" not in fields:
            body = ""
        return thread_create(title=title, body=body, **values)

    def reply(self, thread: Thread, body: str, **fields: Any) -> Reply:
        fields.setdefault("author", self.people.steward)
        return reply_create(thread=thread, body=body, **fields)

    def search(self, q: str, *, user: Any = "member", **filters: Any) -> SearchPage:
        person = getattr(self.people, user) if isinstance(user, str) else user
        filters.setdefault("community", self.people.community)
        return search_threads(user=person, q=q, **filters)

    def titles(self, q: str, **kwargs: Any) -> list[str]:
        return [hit.title for hit in self.search(q, **kwargs).hits]


@pytest.fixture
def write(people: Any) -> Writer:
    return Writer(people)
