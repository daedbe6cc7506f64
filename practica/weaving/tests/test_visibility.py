"""The cached visibility agrees with the funnel, and no change is ever served stale."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from practica.accounts.models import User
from practica.communities.circles import circle_create, circle_invite, circle_leave
from practica.communities.models import CircleTier, Community, Visibility
from practica.communities.services import community_join, community_leave
from practica.exchange.models import Reply, Thread
from practica.exchange.services import reply_create, thread_create
from practica.trust.services import content_hide, content_restore
from practica.weaving import visibility
from practica.weaving.index import indexes_for
from practica.weaving.selectors import experts_for, related_for
from practica.weaving.tests.conftest import Brewers, person

pytestmark = pytest.mark.django_db


def readable_keys(community: Community, user: User | AnonymousUser | None) -> set[int]:
    indexes = indexes_for(community)
    mask = visibility.readable_mask(indexes, user, community)
    return {int(k) for k in indexes.related.keys[mask]}


def funnel_keys(community: Community, user: User | AnonymousUser | None) -> set[int]:
    return set(
        Thread.objects.visible_to(user).filter(community=community).values_list("pk", flat=True)
    )


def related_keys(b: Brewers, user: User | AnonymousUser | None, text: str) -> list[int]:
    return [i.thread.pk for i in related_for(community=b.community, user=user, text=text, k=50)]


def experts(b: Brewers, user: User | AnonymousUser | None, text: str) -> list[User]:
    return [i.person for i in experts_for(community=b.community, user=user, text=text, k=50)]


def test_the_cached_mask_is_the_funnel_for_every_kind_of_viewer(brewers: Brewers) -> None:
    b = brewers
    community = b.community
    members = circle_create(
        community=community, actor=b.quinn, name="Members", slug="members",
        tier=CircleTier.MEMBERS,
    )  # fmt: skip
    open_circle = circle_create(
        community=community, actor=b.quinn, name="Open", slug="open", tier=CircleTier.OPEN
    )
    confidential = circle_create(
        community=community, actor=b.quinn, name="Vault", slug="vault",
        tier=CircleTier.CONFIDENTIAL, chatham_house=True,
    )  # fmt: skip
    circle_invite(circle=confidential, actor=b.quinn, user=b.hana)
    for circle in (members, open_circle, confidential):
        thread_create(
            community=community, author=b.quinn, kind="question", circle=circle,
            title=f"Hops in the {circle.name} circle", body="Which hops?",
        )  # fmt: skip
    hidden_by_yuri = thread_create(
        community=community, author=b.yuri, kind="question", title="Spam about hops", body="x"
    )
    hidden_in_circle = thread_create(
        community=community, author=b.hana, kind="question", circle=confidential,
        title="Hidden hops in the vault", body="y",
    )  # fmt: skip
    for thread in (hidden_by_yuri, hidden_in_circle):
        content_hide(actor=b.quinn, thread=thread)
    admin = User.objects.create_superuser(username="root", password="x", display_name="Root")
    pending = person("pat")
    community_join(community=b.hidden, user=pending)  # members-only: waits for approval
    viewers: list[User | AnonymousUser | None] = [
        None, AnonymousUser(), b.quinn, b.hana, b.yuri, b.olga, admin, pending,
    ]  # fmt: skip
    for community_ in (community, b.hidden):
        for viewer in viewers:
            assert readable_keys(community_, viewer) == funnel_keys(community_, viewer), viewer
    # Leaving the community closes its circles too.
    community_leave(community=community, user=b.hana)
    assert readable_keys(community, b.hana) == funnel_keys(community, b.hana)
    assert hidden_in_circle.pk not in readable_keys(community, b.hana)


def test_a_thread_moved_into_a_private_circle_disappears_at_once(brewers: Brewers) -> None:
    b = brewers
    text = "citra hops aroma"
    assert b.hops.pk in related_keys(b, b.olga, text)
    assert b.hana in experts(b, b.olga, text)
    # Written behind the services' back, as an administrator or a script would.
    Thread.objects.filter(pk=b.hops.pk).update(circle=b.judged.circle)
    assert b.hops.pk not in related_keys(b, b.olga, text)
    assert b.hops.pk not in related_keys(b, b.hana, text)
    assert b.hops.pk in related_keys(b, b.yuri, text)
    # Hana's accepted answer on hops no longer speaks for her to outsiders.
    found = experts_for(community=b.community, user=b.olga, text=text, k=50)
    assert all(item.accepted == 0 for item in found)


def test_leaving_a_circle_removes_its_threads_from_suggestions_at_once(brewers: Brewers) -> None:
    b = brewers
    circle = b.judged.circle
    assert circle is not None
    circle_invite(circle=circle, actor=b.quinn, user=b.hana)
    text = "judging notes citra hops aroma"
    assert b.judged.pk in related_keys(b, b.hana, text)
    circle_leave(circle=circle, user=b.hana)
    assert b.judged.pk not in related_keys(b, b.hana, text)


def test_leaving_a_members_only_community_closes_it_at_once(brewers: Brewers) -> None:
    b = brewers
    text = "citra hops supplier"
    seen = related_for(community=b.hidden, user=b.hana, text=text)
    assert [i.thread.pk for i in seen] == [b.secret.pk]
    community_leave(community=b.hidden, user=b.hana)
    assert related_for(community=b.hidden, user=b.hana, text=text) == []


def test_hidden_threads_are_never_evidence_and_are_read_only_by_stewards_and_authors(
    brewers: Brewers,
) -> None:
    b = brewers
    text = "stuck yeast fermenting"
    assert experts(b, b.hana, text)[:1] == [b.yuri]
    content_hide(actor=b.quinn, thread=b.yeast)
    # Nobody is credited for what moderation hid, whoever asks.
    for viewer in (b.hana, b.quinn, b.olga, None):
        assert b.yuri not in experts(b, viewer, text)
    assert b.yeast.pk not in related_keys(b, b.hana, text)
    assert b.yeast.pk in related_keys(b, b.quinn, text)  # a steward, and the author
    content_restore(actor=b.quinn, thread=b.yeast)
    assert experts(b, b.hana, text)[:1] == [b.yuri]
    assert b.yeast.pk in related_keys(b, b.hana, text)


def test_a_hidden_answer_no_longer_speaks_for_its_author(brewers: Brewers) -> None:
    b = brewers
    text = "stuck yeast fermenting"
    assert experts(b, b.hana, text)[:1] == [b.yuri]
    answer = Reply.objects.get(thread=b.yeast, author=b.yuri)
    content_hide(actor=b.quinn, thread=b.yeast, reply=answer)
    assert b.yuri not in experts(b, b.hana, text)
    assert b.yuri not in experts(b, b.quinn, text)


def test_chatham_house_circles_credit_nobody_in_front_of_those_outside(brewers: Brewers) -> None:
    b = brewers
    circle = circle_create(
        community=b.community, actor=b.quinn, name="Round table", slug="round-table",
        tier=CircleTier.MEMBERS, chatham_house=True,
    )  # fmt: skip
    theirs = thread_create(
        community=b.community, author=b.quinn, kind="question", circle=circle,
        title="Kveik yeast at high temperature", body="Has anyone pitched kveik hot?",
    )  # fmt: skip
    reply_create(thread=theirs, author=b.yuri, body="Kveik at 35 degrees was clean and fast.")
    olga = b.olga
    community_join(community=b.community, user=olga)
    text = "kveik pitched hot"
    # The thread may be read by any member, but not who said what in it.
    assert theirs.pk in related_keys(b, olga, text)
    assert b.yuri not in experts(b, olga, text)
    assert b.yuri not in experts(b, b.hana, text)
    # Inside the circle (where names show), the answer counts.
    circle_invite_open(circle_id=circle.pk, user=b.hana)
    assert b.yuri in experts(b, b.hana, text)


def circle_invite_open(*, circle_id: int, user: User) -> None:
    """Members' circles are joined, not invited to."""
    from practica.communities.circles import circle_join
    from practica.communities.models import Circle

    circle_join(circle=Circle.objects.get(pk=circle_id), user=user)


def test_the_clock_moves_on_every_change_that_matters_and_only_then(brewers: Brewers) -> None:
    b = brewers
    clock = visibility.clock_token
    start = clock(b.community.pk)
    Thread.objects.filter(pk=b.hops.pk).update(title="Citra hops timing")
    assert clock(b.community.pk) == start
    Thread.objects.filter(pk=b.hops.pk).update(hidden_at=timezone.now())
    moved = clock(b.community.pk)
    assert moved != start
    Reply.objects.filter(thread=b.yeast).update(hidden_at=timezone.now())
    assert clock(b.community.pk) != moved
    circle = b.judged.circle
    assert circle is not None
    before = clock(b.community.pk)
    type(circle).objects.filter(pk=circle.pk).update(chatham_house=True)
    assert clock(b.community.pk) != before
    before = clock(b.community.pk)
    Community.objects.filter(pk=b.community.pk).update(visibility=Visibility.MEMBERS)
    assert clock(b.community.pk) != before
    assert clock(b.hidden.pk) == 0
