"""Lived before and who knows through the permission funnel, on a small community."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from practica.accounts.models import User
from practica.communities.circles import circle_invite, circle_leave
from practica.core.errors import InvalidInput
from practica.exchange.models import Thread
from practica.exchange.services import thread_create
from practica.trust.services import content_hide
from practica.weaving.index import indexes_forget
from practica.weaving.selectors import (
    DirectoryEntry,
    ThreadCard,
    directory,
    directory_page,
    experts_for,
    related_for,
)
from practica.weaving.tests.conftest import Brewers

pytestmark = pytest.mark.django_db


def titles(items: list) -> list[str]:
    return [i.thread.title for i in items]


def test_lived_before_finds_the_earlier_thread_and_the_story_about_hops(brewers: Brewers) -> None:
    items = related_for(
        community=brewers.community, user=brewers.hana, text="how much citra hops to add?"
    )
    assert items[0].thread.pk == brewers.hops.pk
    assert "The batch I over-hopped" in titles(items)
    assert "citra" in items[0].why


def test_private_circle_thread_is_suggested_only_to_its_members(brewers: Brewers) -> None:
    text = "citra hops aroma judging"
    inside = related_for(community=brewers.community, user=brewers.yuri, text=text)
    assert brewers.judged.pk in [i.thread.pk for i in inside]
    for outsider in (brewers.hana, brewers.olga, AnonymousUser()):
        seen = related_for(community=brewers.community, user=outsider, text=text)
        assert brewers.judged.pk not in [i.thread.pk for i in seen]


def test_a_thread_page_does_not_suggest_itself(brewers: Brewers) -> None:
    items = related_for(
        community=brewers.community, user=brewers.hana, text=brewers.hops.title,
        exclude_thread=brewers.hops.pk,
    )  # fmt: skip
    assert brewers.hops.pk not in [i.thread.pk for i in items]


def test_new_threads_are_found_once_the_index_is_rebuilt(brewers: Brewers) -> None:
    related_for(community=brewers.community, user=brewers.hana, text="kegging")
    thread_create(
        community=brewers.community, author=brewers.hana, kind="question",
        title="Kegging versus bottling", body="Is kegging worth it?",
    )  # fmt: skip
    indexes_forget(brewers.community.pk)
    found = related_for(community=brewers.community, user=brewers.hana, text="kegging")
    assert titles(found) == ["Kegging versus bottling"]


def test_an_empty_or_oversized_query_is_refused_with_the_field_named(brewers: Brewers) -> None:
    with pytest.raises(InvalidInput) as empty:
        related_for(community=brewers.community, user=None, text="  ")
    assert empty.value.field == "q"
    with pytest.raises(InvalidInput) as big_k:
        related_for(community=brewers.community, user=None, text="hops", k=500)
    assert big_k.value.field == "k"


def test_who_knows_ranks_hana_for_hops_and_yuri_for_yeast(brewers: Brewers) -> None:
    hops = experts_for(community=brewers.community, user=brewers.quinn, text="citra hops timing")
    assert hops[0].person == brewers.hana
    assert hops[0].accepted == 1 and hops[0].acknowledged == 1
    assert "answered 1 similar question on hops" in hops[0].why
    assert "thanked 1 time" in hops[0].why
    assert "told 1 story" in hops[0].why
    yeast = experts_for(community=brewers.community, user=brewers.quinn, text="stuck yeast")
    assert yeast[0].person == brewers.yuri


def test_who_knows_never_proposes_the_person_asking(brewers: Brewers) -> None:
    found = experts_for(community=brewers.community, user=brewers.hana, text="citra hops")
    assert brewers.hana not in [i.person for i in found]


def test_who_knows_judges_only_from_threads_the_asker_may_read(brewers: Brewers) -> None:
    # Yuri's only word on citra hops is in the judges' private circle.
    text = "citra hops aroma judging"
    as_member_of_circle = experts_for(community=brewers.community, user=brewers.quinn, text=text)
    assert brewers.yuri in [i.person for i in as_member_of_circle]
    as_hana = experts_for(community=brewers.community, user=brewers.hana, text=text)
    assert brewers.yuri not in [i.person for i in as_hana]
    as_anyone = experts_for(community=brewers.community, user=None, text=text)
    assert [i.person for i in as_anyone] == [brewers.hana]
    assert "judg" not in as_anyone[0].why


def test_directory_filters_by_demonstrated_expertise_and_searches_profiles(
    brewers: Brewers,
) -> None:
    brewers.yuri.learning = "water chemistry"
    brewers.yuri.save(update_fields=["learning"])
    by_tag = directory(community=brewers.community, user=brewers.quinn, expertise="hops")
    assert [e.person for e in by_tag] == [brewers.hana]
    assert by_tag[0].expertise[0][0] == "hops"
    by_text = directory(community=brewers.community, user=brewers.quinn, q="water")
    assert [e.person for e in by_text] == [brewers.yuri]


def test_the_directory_pages_through_members_by_name_with_figures_for_each_page(
    brewers: Brewers,
) -> None:
    def page(n: int) -> list[str]:
        found = directory_page(community=brewers.community, user=brewers.quinn, page=n, per_page=2)
        assert found.page.paginator.count == 3
        return [e.person.username for e in found.entries]

    assert page(1) == ["hana", "quinn"]
    assert page(2) == ["yuri"]
    assert page(99) == ["yuri"]  # past the end: the last page
    second = directory_page(community=brewers.community, user=brewers.quinn, page=2, per_page=1)
    assert (second.entries[0].person, second.entries[0].stories) == (brewers.quinn, 0)
    first = directory_page(community=brewers.community, user=brewers.quinn, page=1, per_page=1)
    hana = first.entries[0]
    assert (hana.person, hana.answers, hana.accepted) == (brewers.hana, 1, 1)
    assert (hana.stories, hana.expertise) == (1, [("hops", 2)])  # an answer and a story


def test_the_index_notices_a_change_when_it_next_checks(
    brewers: Brewers, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert related_for(community=brewers.community, user=None, text="mash tun")[:1] == []
    thread_create(
        community=brewers.community, author=brewers.hana, kind="question",
        title="Insulating a mash tun", body="My mash tun loses heat.",
    )  # fmt: skip
    monkeypatch.setattr("practica.weaving.index.RECHECK_SECONDS", 0.0)
    found = related_for(community=brewers.community, user=None, text="mash tun")
    assert titles(found) == ["Insulating a mash tun"]


def test_joining_a_circle_changes_who_knows_at_once(brewers: Brewers) -> None:
    text = "citra hops aroma judging"
    before = experts_for(community=brewers.community, user=brewers.hana, text=text)
    assert brewers.yuri not in [i.person for i in before]
    circle = brewers.judged.circle
    assert circle is not None
    circle_invite(circle=circle, actor=brewers.quinn, user=brewers.hana)
    after = experts_for(community=brewers.community, user=brewers.hana, text=text)
    assert brewers.yuri in [i.person for i in after]
    circle_leave(circle=circle, user=brewers.hana)
    again = experts_for(community=brewers.community, user=brewers.hana, text=text)
    assert brewers.yuri not in [i.person for i in again]


def test_a_hidden_accepted_answer_neither_resolves_the_card_nor_credits_its_author(
    brewers: Brewers,
) -> None:
    def hops_card() -> ThreadCard:
        items = related_for(community=brewers.community, user=brewers.quinn, text="citra hops")
        return next(i.thread for i in items if i.thread.pk == brewers.hops.pk)

    def hana_in_directory() -> DirectoryEntry:
        entries = directory(community=brewers.community, user=brewers.quinn)
        return next(e for e in entries if e.person == brewers.hana)

    assert hops_card().is_resolved
    assert (hana_in_directory().answers, hana_in_directory().accepted) == (1, 1)
    answer = brewers.hops.replies.get(author=brewers.hana)
    content_hide(actor=brewers.quinn, thread=brewers.hops, reply=answer, note="off topic")
    # The steward can still read the hidden answer, yet it resolves nothing and credits nobody.
    assert not hops_card().is_resolved
    assert (hana_in_directory().answers, hana_in_directory().accepted) == (0, 0)


def test_an_accepted_answer_in_a_circle_is_credited_only_to_those_inside_it(
    brewers: Brewers,
) -> None:
    def hana_for(viewer: User) -> tuple[int, int]:
        entries = directory(community=brewers.community, user=viewer)
        hana = next(e for e in entries if e.person == brewers.hana)
        return hana.answers, hana.accepted

    assert hana_for(brewers.olga) == (1, 1)
    # Written behind the services' back, as an administrator or a script would.
    Thread.objects.filter(pk=brewers.hops.pk).update(circle=brewers.judged.circle)
    assert hana_for(brewers.olga) == (0, 0)
    assert hana_for(brewers.yuri) == (1, 1)  # inside the circle
