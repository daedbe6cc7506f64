"""Stewarding actions (memberships, roles, agreements, circles) go to the audit log, which
stewards read on the audit page and through the API; closed circles' entries stay inside."""

from __future__ import annotations

import pytest
from django.urls import reverse

from practica.accounts.services import user_create
from practica.communities.circles import (
    agreement_publish,
    circle_create,
    circle_delete,
    circle_invite,
    circle_remove,
)
from practica.communities.models import CircleMembership, Membership, MembershipStatus, Role
from practica.communities.services import (
    community_join,
    membership_approve,
    membership_reject,
    membership_remove,
    membership_set_role,
)
from practica.core.errors import InvalidInput, NotAllowed
from practica.trust.models import AuditAction, AuditEntry
from practica.trust.selectors import audit_list


def actions(community) -> list[str]:
    return list(
        AuditEntry.objects.filter(community=community)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


def test_approving_and_turning_down_requests_to_join_are_audited(people):
    erin = user_create(username="erin", password="pw-erin-123")
    community_join(community=people.private, user=people.newcomer)
    community_join(community=people.private, user=erin)
    membership_approve(community=people.private, actor=people.steward, user=people.newcomer)
    membership_reject(
        community=people.private, actor=people.steward, user=erin, note="not a steward"
    )
    entries = list(audit_list(community=people.private, viewer=people.steward))
    assert [e.action for e in reversed(entries)][-2:] == [AuditAction.APPROVE, AuditAction.REJECT]
    rejected = entries[0]
    assert rejected.actor == people.steward and rejected.target_label == "erin"
    assert rejected.note == "not a steward"
    assert not Membership.objects.filter(community=people.private, user=erin).exists()
    # Approving someone already in records nothing more.
    approvals = actions(people.private).count(AuditAction.APPROVE)
    membership_approve(community=people.private, actor=people.steward, user=people.newcomer)
    assert actions(people.private).count(AuditAction.APPROVE) == approvals


def test_turning_down_needs_a_steward_and_a_waiting_request(people):
    with pytest.raises(NotAllowed):
        membership_reject(community=people.private, actor=people.member, user=people.newcomer)
    with pytest.raises(InvalidInput, match="not waiting"):
        membership_reject(community=people.private, actor=people.steward, user=people.member)
    assert AuditAction.REJECT not in actions(people.private)


def test_role_changes_are_audited_with_before_and_after(people):
    membership_set_role(
        community=people.community, actor=people.steward, user=people.member, role=Role.STEWARD
    )
    membership_set_role(
        community=people.community, actor=people.member, user=people.member, role=Role.MEMBER
    )
    entries = AuditEntry.objects.filter(community=people.community).order_by("id")
    assert [(e.action, e.actor, e.note) for e in entries] == [
        (AuditAction.ROLE, people.steward, "member → steward"),
        (AuditAction.ROLE, people.member, "steward → member"),
    ]
    # Setting the role someone already has is no change, and no entry.
    membership_set_role(
        community=people.community, actor=people.steward, user=people.member, role=Role.MEMBER
    )
    assert entries.count() == 2


def test_removing_a_member_is_audited_with_its_reason_and_takes_them_out_of_circles(people):
    circle = circle_create(
        community=people.community, actor=people.steward, name="Night", slug="night", tier="private"
    )
    circle_invite(circle=circle, actor=people.steward, user=people.newcomer)
    with pytest.raises(InvalidInput, match="say why"):
        membership_remove(community=people.community, actor=people.steward, user=people.newcomer)
    with pytest.raises(NotAllowed):
        membership_remove(
            community=people.community, actor=people.member, user=people.newcomer, note="spam"
        )
    membership_remove(
        community=people.community, actor=people.steward, user=people.newcomer, note="spam"
    )
    assert not Membership.objects.filter(community=people.community, user=people.newcomer)
    assert not CircleMembership.objects.filter(circle=circle, user=people.newcomer).exists()
    entry = AuditEntry.objects.get(action=AuditAction.REMOVE)
    assert (entry.actor, entry.target_label, entry.note) == (people.steward, "carol", "spam")


def test_the_last_steward_cannot_be_removed(people):
    other = user_create(username="erin", password="pw-erin-123")
    community_join(community=people.community, user=other)
    membership_set_role(
        community=people.community, actor=people.steward, user=other, role=Role.STEWARD
    )
    membership_remove(
        community=people.community, actor=other, user=people.steward, note="handing over"
    )
    with pytest.raises(InvalidInput, match="leave the community"):
        membership_remove(community=people.community, actor=other, user=other, note="bye")


def test_publishing_agreements_is_audited(people):
    agreement_publish(
        community=people.community, actor=people.steward, body="Be kind.", change_note="first"
    )
    entry = AuditEntry.objects.get(action=AuditAction.AGREEMENT)
    assert entry.target_label == "version 1" and entry.note == "first" and not entry.sealed


def test_circle_invitations_and_removals_are_audited_but_sealed_inside_closed_circles(people):
    Membership.objects.filter(community=people.community, user=people.member).update(
        role=Role.STEWARD
    )
    circle = circle_create(
        community=people.community, actor=people.steward, name="Night", slug="night", tier="private"
    )
    circle_invite(circle=circle, actor=people.steward, user=people.newcomer)
    circle_remove(circle=circle, actor=people.steward, user=people.newcomer, note="asked to go")
    entries = AuditEntry.objects.filter(circle=circle).order_by("id")
    assert [e.action for e in entries] == [
        AuditAction.CIRCLE_CREATE,
        AuditAction.CIRCLE_INVITE,
        AuditAction.CIRCLE_REMOVE,
    ]
    assert all(e.sealed for e in entries)
    # Bob is a steward too, but not in the circle: he may not learn who is in it.
    inside = audit_list(community=people.community, viewer=people.steward)
    outside = audit_list(community=people.community, viewer=people.member)
    assert inside.filter(circle=circle).count() == 3
    assert outside.filter(circle=circle).count() == 0
    # Nor may he remove people from it, or delete it.
    with pytest.raises(NotAllowed):
        circle_remove(circle=circle, actor=people.member, user=people.steward)
    with pytest.raises(NotAllowed):
        circle_delete(circle=circle, actor=people.member)


def test_open_circle_stewarding_is_read_by_every_steward(people):
    circle = circle_create(
        community=people.community, actor=people.steward, name="Beds", slug="beds", tier="open"
    )
    from practica.communities.circles import circle_join

    circle_join(circle=circle, user=people.newcomer)
    circle_remove(circle=circle, actor=people.steward, user=people.newcomer)
    circle_delete(circle=circle, actor=people.steward)
    entries = audit_list(community=people.community, viewer=None)
    assert [e.action for e in entries][:2] == [AuditAction.CIRCLE_DELETE, AuditAction.CIRCLE_REMOVE]


def test_the_audit_page_shows_stewarding_actions(client, people):
    community_join(community=people.private, user=people.newcomer)
    client.force_login(people.steward)
    client.post(reverse("communities:member_approve", args=["stewards", "carol"]))
    client.post(reverse("communities:member_role", args=["stewards", "bob"]), {"role": "steward"})
    client.post(
        reverse("communities:member_remove", args=["stewards", "carol"]), {"note": "wrong room"}
    )
    assert Membership.objects.filter(community=people.private).count() == 2
    page = client.get(reverse("trust:audit", args=["stewards"])).content.decode()
    assert "approved the request to join of" in page
    assert "changed the role of" in page and "member → steward" in page
    assert "removed the member" in page and "wrong room" in page


def test_members_page_turns_down_a_request(client, people):
    community_join(community=people.private, user=people.newcomer)
    client.force_login(people.steward)
    members = client.get(reverse("communities:members", args=["stewards"])).content.decode()
    assert reverse("communities:member_reject", args=["stewards", "carol"]) in members
    client.post(reverse("communities:member_reject", args=["stewards", "carol"]))
    assert not Membership.objects.filter(
        community=people.private, user=people.newcomer, status=MembershipStatus.PENDING
    ).exists()
    assert AuditEntry.objects.filter(action=AuditAction.REJECT).count() == 1
    # Members cannot use the form.
    client.force_login(people.member)
    community_join(community=people.private, user=people.newcomer)
    answer = client.post(reverse("communities:member_reject", args=["stewards", "carol"]))
    assert answer.status_code in (403, 404)
    assert AuditEntry.objects.filter(action=AuditAction.REJECT).count() == 1


def test_a_steward_takes_someone_out_of_a_circle_from_its_page(client, people):
    circle = circle_create(
        community=people.community, actor=people.steward, name="Night", slug="night", tier="private"
    )
    circle_invite(circle=circle, actor=people.steward, user=people.newcomer)
    client.force_login(people.steward)
    page = client.get(reverse("circles:detail", args=["growers", "night"])).content.decode()
    remove = reverse("circles:remove", args=["growers", "night", "carol"])
    assert remove in page
    assert reverse("circles:remove", args=["growers", "night", "alice"]) not in page  # not self
    client.post(remove, {"note": "moved away"})
    assert not CircleMembership.objects.filter(circle=circle, user=people.newcomer).exists()
    audit = client.get(reverse("trust:audit", args=["growers"])).content.decode()
    assert "removed from the circle" in audit and "“Night”" in audit and "moved away" in audit


def test_the_audit_page_keeps_closed_circles_from_stewards_outside_them(client, people):
    Membership.objects.filter(community=people.community, user=people.member).update(
        role=Role.STEWARD
    )
    hush = circle_create(
        community=people.community, actor=people.steward, name="Hush", slug="hush", tier="private"
    )
    circle_invite(circle=hush, actor=people.steward, user=people.newcomer)
    agreement_publish(
        community=people.community, actor=people.steward, body="Whisper.", circle=hush
    )
    client.force_login(people.member)
    page = client.get(reverse("trust:audit", args=["growers"])).content.decode()
    assert "Hush" not in page and "carol" not in page
    client.force_login(people.steward)
    page = client.get(reverse("trust:audit", args=["growers"])).content.decode()
    assert "“Hush”: " in page and "version 1 of the circle Hush" in page


def test_changing_the_card_and_opening_circles_are_audited(people, client):
    from practica.communities.services import community_update

    community_update(
        community=people.community, actor=people.steward, name="Urban Growers", purpose="Grow."
    )
    card = AuditEntry.objects.get(action=AuditAction.COMMUNITY_UPDATE)
    assert card.target_label == "purpose"  # the name did not change
    community_update(community=people.community, actor=people.steward, purpose="Grow.")
    assert AuditEntry.objects.filter(action=AuditAction.COMMUNITY_UPDATE).count() == 1
    circle_create(
        community=people.community, actor=people.steward, name="Beds", slug="beds", tier="open"
    )
    opened = AuditEntry.objects.get(action=AuditAction.CIRCLE_CREATE)
    assert (opened.target_label, opened.note, opened.sealed) == ("Beds", "open", False)
    client.force_login(people.steward)
    page = client.get(reverse("trust:audit", args=["growers"])).content.decode()
    assert "changed the community&#x27;s card: purpose" in page
    assert "opened the circle “Beds”" in page
