"""A small community told through the services: who asked, who answered, who said thanks."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from practica.accounts.models import User
from practica.accounts.services import user_create
from practica.communities.services import community_join
from practica.exchange.models import Reply, Thread, ThreadLink
from practica.exchange.services import (
    acknowledgement_create,
    reply_accept,
    reply_create,
    thread_create,
)


@dataclass
class Story:
    question: Thread
    story: Thread
    answer: Reply
    bot: User
    gone_reply: Reply


@pytest.fixture
def story(people) -> Story:
    """Alice asks; Bob answers; Alice and Carol comment on the answer; Alice accepts it.
    Carol tells a story that Bob says helped him. A platform bot replies (not a person),
    and someone who later deleted their account replied too (an unknown author)."""
    alice, bob, carol = people.steward, people.member, people.newcomer
    for person, sector in ((alice, "public"), (bob, "private")):
        person.sector = sector
        person.save(update_fields=["sector"])
    question = thread_create(
        community=people.community,
        author=alice,
        kind="question",
        title="Which compost for clay soil?",
        body="Our beds are heavy clay.",
        tags=["soil", "compost"],
    )
    answer = reply_create(thread=question, author=bob, body="Leaf mould, lots of it.")
    reply_create(thread=question, author=alice, body="Thanks, how much?", parent=answer)
    reply_create(thread=question, author=carol, body="Same here.", parent=answer)
    reply_accept(reply=answer, actor=alice)
    tale = thread_create(
        community=people.community,
        author=carol,
        kind="story",
        title="Our first harvest",
        what_happened="We grew beans on a roof.",
        tags=["soil", "roofs"],
    )
    acknowledgement_create(person=bob, thread=tale)
    ThreadLink.objects.create(from_thread=tale, to_thread=question)
    bot = user_create(
        username="bot", email="bot@example.org", password="pw-bot-12345", display_name="Bot"
    )
    bot.is_system = True
    bot.save(update_fields=["is_system"])
    community_join(community=people.community, user=bot)
    reply_create(thread=question, author=bot, body="Reminder: be kind.")
    leaver = user_create(
        username="erin", email="erin@example.org", password="pw-erin-12345", display_name="Erin"
    )
    community_join(community=people.community, user=leaver)
    gone = reply_create(thread=question, author=leaver, body="I used straw.")
    leaver.delete()
    gone.refresh_from_db()
    return Story(question, tale, answer, bot, gone)
