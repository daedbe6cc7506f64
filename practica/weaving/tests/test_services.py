"""Notifications, invitations to answer and introductions (recorded in the ledger)."""

from __future__ import annotations

import pytest

from practica.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from practica.exchange.services import reply_create
from practica.ledger.models import LedgerEvent, Verb
from practica.weaving.models import Introduction, Notification
from practica.weaving.selectors import introduction_outcomes, person_record, unread_count
from practica.weaving.services import (
    introduction_create,
    invitation_create,
    notification_create,
    notification_mark_read,
    notifications_mark_all_read,
)
from practica.weaving.tests.conftest import Brewers

pytestmark = pytest.mark.django_db


def test_any_app_can_notify_a_person_once_per_key(brewers: Brewers) -> None:
    first = notification_create(recipient=brewers.hana, text="Check in", kind="reminder", key="k1")
    again = notification_create(recipient=brewers.hana, text="Check in", kind="reminder", key="k1")
    assert first is not None and again is None
    assert unread_count(user=brewers.hana) == 1


def test_only_the_recipient_marks_a_notification_read(brewers: Brewers) -> None:
    note = notification_create(recipient=brewers.hana, text="Hello")
    assert note is not None
    with pytest.raises(NotFound):
        notification_mark_read(notification_id=note.pk, user=brewers.yuri)
    assert notification_mark_read(notification_id=note.pk, user=brewers.hana).is_read
    notification_create(recipient=brewers.hana, text="Two")
    assert notifications_mark_all_read(user=brewers.hana) == 1


def test_inviting_someone_to_answer_notifies_them_once(brewers: Brewers) -> None:
    sent = invitation_create(thread=brewers.yeast, inviter=brewers.hana, invitee=brewers.yuri)
    assert sent.recipient == brewers.yuri
    assert brewers.yeast.title in sent.text
    assert sent.link == f"/c/brewers/t/{brewers.yeast.pk}/"
    with pytest.raises(Conflict):
        invitation_create(thread=brewers.yeast, inviter=brewers.quinn, invitee=brewers.yuri)


def test_an_invitation_never_reveals_a_thread_to_someone_who_cannot_read_it(
    brewers: Brewers,
) -> None:
    with pytest.raises(InvalidInput):
        invitation_create(thread=brewers.judged, inviter=brewers.quinn, invitee=brewers.hana)
    with pytest.raises(NotAllowed):
        invitation_create(thread=brewers.yeast, inviter=brewers.olga, invitee=brewers.hana)


def test_introduction_notifies_both_and_is_recorded_in_the_ledger(brewers: Brewers) -> None:
    intro = introduction_create(
        community=brewers.community, introducer=brewers.quinn, person_a=brewers.hana,
        person_b=brewers.yuri, note="You both brew sour beers.",
    )  # fmt: skip
    events = LedgerEvent.objects.filter(verb=Verb.INTRODUCED).order_by("target_id")
    assert [(e.actor_id, e.target_id, e.object_id) for e in events] == sorted(
        [
            (brewers.quinn.pk, brewers.hana.pk, brewers.yuri.pk),
            (brewers.quinn.pk, brewers.yuri.pk, brewers.hana.pk),
        ],
        key=lambda t: t[1],
    )
    notes = Notification.objects.filter(kind="introduction")
    assert {n.recipient for n in notes} == {brewers.hana, brewers.yuri}
    assert all("You both brew sour beers." in n.text for n in notes)
    assert Introduction.objects.get() == intro


def test_an_introduction_led_somewhere_once_the_two_interact(brewers: Brewers) -> None:
    introduction_create(
        community=brewers.community, introducer=brewers.quinn, person_a=brewers.hana,
        person_b=brewers.yuri, note="Talk about yeast.",
    )  # fmt: skip
    assert [o.led_somewhere for o in introduction_outcomes(community=brewers.community)] == [False]
    reply_create(thread=brewers.yeast, author=brewers.hana, body="Yuri, which yeast strain?")
    # Hana replied to Quinn's thread, not to Yuri: still nothing between them.
    assert [o.led_somewhere for o in introduction_outcomes(community=brewers.community)] == [False]
    yuri_answer = brewers.yeast.replies.get(author=brewers.yuri)
    reply_create(thread=brewers.yeast, author=brewers.hana, body="Thanks!", parent=yuri_answer)
    assert [o.led_somewhere for o in introduction_outcomes(community=brewers.community)] == [True]


def test_introductions_need_two_other_members_and_a_note(brewers: Brewers) -> None:
    def introduce(**kw: object) -> None:
        args = {
            "community": brewers.community, "introducer": brewers.quinn,
            "person_a": brewers.hana, "person_b": brewers.yuri, "note": "Meet!",
        }  # fmt: skip
        introduction_create(**{**args, **kw})  # type: ignore[arg-type]

    with pytest.raises(InvalidInput) as same:
        introduce(person_b=brewers.hana)
    assert same.value.field == "person_b"
    with pytest.raises(InvalidInput):
        introduce(person_a=brewers.quinn)
    with pytest.raises(InvalidInput) as outsider:
        introduce(person_b=brewers.olga)
    assert outsider.value.field == "person_b"
    with pytest.raises(InvalidInput) as note:
        introduce(note="  ")
    assert note.value.field == "note"
    with pytest.raises(NotAllowed):
        introduce(introducer=brewers.olga)
    assert not LedgerEvent.objects.filter(verb=Verb.INTRODUCED).exists()


def test_a_profile_shows_what_a_person_gave_and_received(brewers: Brewers) -> None:
    record = person_record(community=brewers.community, person=brewers.hana, user=brewers.quinn)
    assert record.given["replies"] == 1
    assert record.given["stories told"] == 1
    assert record.received["answers of theirs accepted"] == 1
    assert record.received["thanks received"] == 1
    assert record.expertise[0][0] == "hops"
