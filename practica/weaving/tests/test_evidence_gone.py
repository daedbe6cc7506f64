"""Evidence that went away after the index was built never speaks for anyone.

A thread deleted, hidden or moved into a circle the viewer cannot see, or an answer
deleted, since the weaving index was built: the ranking and the explanation ("answered
2 similar questions ...") stop using it at once, on every channel (the command, the API,
the page), without waiting for the index to be rebuilt.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from practica.communities.services import community_join
from practica.exchange.models import Reply, Thread
from practica.exchange.services import reply_create, thread_create
from practica.weaving.index import indexes_for
from practica.weaving.tests.conftest import Brewers, person

pytestmark = pytest.mark.django_db

TEXT = "citra hops aroma for a hazy IPA"


def by_command(b: Brewers) -> dict[str, str]:
    out = StringIO()
    call_command("experts", "brewers", TEXT, "--json", "-k", "50", stdout=out)
    return {r["username"]: r["why"] for r in json.loads(out.getvalue())["results"]}


def by_api(b: Brewers) -> dict[str, str]:
    response = Client().get("/api/v1/communities/brewers/experts", {"q": TEXT, "k": "50"})
    assert response.status_code == 200
    return {r["username"]: r["why"] for r in response.json()["results"]}


def by_page(b: Brewers) -> dict[str, str]:
    client = Client()
    client.force_login(b.olga)
    page = client.get("/c/brewers/experts/", {"q": TEXT}).content.decode()
    found = {}
    for name in ("hana", "dora", "yuri"):
        marker = f'/c/brewers/people/{name}/">'
        if marker in page:
            after = page.split(marker, 1)[1]
            found[name] = after.split('<span class="muted small">', 1)[1].split("</span>", 1)[0]
    return found


CHANNELS: dict[str, Callable[[Brewers], dict[str, str]]] = {
    "command": by_command,
    "api": by_api,
    "page": by_page,
}


def delete_thread(thread: Thread, b: Brewers) -> None:
    Thread.objects.filter(pk=thread.pk).delete()


def hide_thread(thread: Thread, b: Brewers) -> None:
    Thread.objects.filter(pk=thread.pk).update(hidden_at=timezone.now())


def move_into_private_circle(thread: Thread, b: Brewers) -> None:
    Thread.objects.filter(pk=thread.pk).update(circle=b.judged.circle)


def delete_answers(thread: Thread, b: Brewers) -> None:
    Reply.objects.filter(thread=thread).delete()


def move_to_another_community(thread: Thread, b: Brewers) -> None:
    Thread.objects.filter(pk=thread.pk).update(community=b.hidden)


CHANGES: dict[str, Callable[[Thread, Brewers], None]] = {
    "deleted": delete_thread,
    "hidden": hide_thread,
    "moved into a private circle": move_into_private_circle,
    "answers deleted": delete_answers,
    "moved to another community": move_to_another_community,
}


@pytest.mark.parametrize("channel", list(CHANNELS))
@pytest.mark.parametrize("change", list(CHANGES))
def test_evidence_gone_since_the_index_was_built_no_longer_counts(
    brewers: Brewers, change: str, channel: str
) -> None:
    b = brewers
    dora = person("dora")
    community_join(community=b.community, user=dora)
    hazy = thread_create(
        community=b.community, author=b.quinn, kind="question",
        title="Citra hops aroma in a hazy IPA",
        body="How much citra for aroma in a hazy IPA?", tags=["hops"],
    )  # fmt: skip
    reply_create(thread=hazy, author=dora, body="Two hundred grams of citra at dry hop.")
    reply_create(thread=hazy, author=b.hana, body="Citra and mosaic together for aroma.")
    see = CHANNELS[channel]
    before = see(b)
    built = indexes_for(b.community).version
    assert "dora" in before
    assert before["hana"].startswith("answered 2 similar questions on hops, 1 accepted")

    CHANGES[change](hazy, b)

    after = see(b)
    assert indexes_for(b.community).version == built  # the same index, not a rebuild
    assert "dora" not in after
    assert after["hana"].startswith("answered 1 similar question on hops, 1 accepted")
    assert "answers in all" not in after["hana"]


def test_the_score_falls_back_to_the_record_that_remains(brewers: Brewers) -> None:
    from practica.weaving.selectors import experts_for

    b = brewers
    hazy = thread_create(
        community=b.community, author=b.quinn, kind="question",
        title="Citra hops aroma in a hazy IPA", body="How much citra?", tags=["hops"],
    )  # fmt: skip
    reply_create(thread=hazy, author=b.hana, body="Citra and mosaic together for aroma.")

    def hana() -> Any:
        found = experts_for(community=b.community, user=b.olga, text=TEXT, k=50)
        return next(i for i in found if i.person == b.hana)

    with_it = hana()
    Thread.objects.filter(pk=hazy.pk).delete()
    without = hana()
    assert without.score < with_it.score
    assert (without.answered, without.accepted) == (1, 1)


def test_only_removals_move_the_removals_token(brewers: Brewers) -> None:
    from practica.weaving.visibility import clock_tokens

    b = brewers
    tokens = clock_tokens(b.community.pk)
    Thread.objects.filter(pk=b.hops.pk).update(hidden_at=timezone.now())
    hidden = clock_tokens(b.community.pk)
    assert hidden[0] != tokens[0] and hidden[1] == tokens[1]
    Reply.objects.filter(thread=b.yeast).delete()
    deleted = clock_tokens(b.community.pk)
    assert deleted[0] != hidden[0] and deleted[1] != hidden[1]
    Thread.objects.filter(pk=b.yeast.pk).update(community=b.hidden)
    moved = clock_tokens(b.community.pk)
    assert moved[1] != deleted[1]
    assert clock_tokens(b.hidden.pk)[1] == 0  # nothing left the other community
