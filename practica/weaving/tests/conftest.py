"""A small community with a record, shared by the weaving tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from practica.accounts.models import User
from practica.accounts.services import user_create
from practica.communities.circles import circle_create, circle_invite
from practica.communities.models import CircleTier, Community, Visibility
from practica.communities.services import community_create, community_join, membership_approve
from practica.exchange.models import Thread
from practica.exchange.services import (
    acknowledgement_create,
    reply_accept,
    reply_create,
    thread_create,
)
from practica.weaving import index
from practica.weaving.index import indexes_forget
from practica.weaving.selectors import masks_forget


@pytest.fixture(autouse=True)
def fresh_indexes() -> Iterator[None]:
    # Indexes are cached per process by community id; tests reuse ids. A refresh
    # runs in the test's own thread, which alone sees the test's transaction.
    index.BACKGROUND = False
    indexes_forget()
    masks_forget()
    yield
    indexes_forget()
    masks_forget()


@dataclass
class Brewers:
    """Hops and yeast: Hana knows hops, Yuri knows yeast, Quinn asks, Olga is outside."""

    community: Community
    hidden: Community
    hana: User
    yuri: User
    quinn: User
    olga: User
    hops: Thread
    yeast: Thread
    secret: Thread
    judged: Thread


def person(name: str) -> User:
    return user_create(username=name, display_name=name.title())


def make_brewers() -> Brewers:
    hana, yuri, quinn, olga = (person(n) for n in ("hana", "yuri", "quinn", "olga"))
    community = community_create(creator=quinn, name="Home Brewers", slug="brewers")
    for p in (hana, yuri):
        community_join(community=community, user=p)
    hidden = community_create(
        creator=quinn, name="Cellar", slug="cellar", visibility=Visibility.MEMBERS
    )
    community_join(community=hidden, user=hana)
    membership_approve(community=hidden, actor=quinn, user=hana)
    hops = thread_create(
        community=community, author=quinn, kind="question",
        title="When should I add citra hops for aroma?",
        body="My pale ale lacks hop aroma. When do I add the citra hops?", tags=["hops"],
    )  # fmt: skip
    answer = reply_create(
        thread=hops, author=hana, body="Dry hopping citra after fermentation keeps the aroma."
    )
    reply_accept(reply=answer, actor=quinn)
    acknowledgement_create(person=quinn, thread=hops, reply=answer)
    yeast = thread_create(
        community=community, author=quinn, kind="question",
        title="My yeast stopped fermenting early",
        body="The airlock went quiet after two days; is the yeast stuck?", tags=["yeast"],
    )  # fmt: skip
    reply_create(thread=yeast, author=yuri, body="Warm the fermenter and rouse the yeast.")
    thread_create(
        community=community, author=hana, kind="story", title="The batch I over-hopped",
        what_happened="I added far too many hops at flame-out and the beer turned harsh.",
        learned="Measure hop additions by weight.", tags=["hops"],
    )  # fmt: skip
    secret = thread_create(
        community=hidden, author=quinn, kind="question",
        title="Secret citra hops supplier for our members",
        body="Where do members buy citra hops in bulk?",
    )  # fmt: skip
    reply_create(thread=secret, author=hana, body="The cellar co-op sells citra hops cheaply.")
    # A private circle inside the open community: Quinn and Yuri only.
    circle = circle_create(
        community=community, actor=quinn, name="Judges", slug="judges", tier=CircleTier.PRIVATE
    )
    circle_invite(circle=circle, actor=quinn, user=yuri)
    judged = thread_create(
        community=community, author=quinn, kind="question", circle=circle,
        title="Judging notes on citra hops aroma", body="How did the citra hops entries score?",
    )  # fmt: skip
    reply_create(thread=judged, author=yuri, body="Citra hops entries scored high on aroma.")
    return Brewers(community, hidden, hana, yuri, quinn, olga, hops, yeast, secret, judged)


@pytest.fixture
def brewers(db: None) -> Brewers:
    return make_brewers()
