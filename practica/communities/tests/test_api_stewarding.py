"""Stewarding members over HTTP: requests to join, roles and removals, each in the audit log."""

from __future__ import annotations

from typing import Any

from practica.accounts.models import User
from practica.accounts.services import user_create
from practica.communities.models import Community, Membership, MembershipStatus, Role
from practica.communities.services import community_join
from practica.testing.api import ApiClient, Cast, Response
from practica.trust.models import AuditEntry

pytest_plugins = ["practica.testing.api_fixtures"]

QUIET = "/api/v1/communities/quiet-room"
GARDENERS = "/api/v1/communities/gardeners"


def _remove(client: ApiClient, path: str, body: Any) -> Response:
    return client.call("DELETE", path, json_body=body)


def _entries(community: Community, action: str, person: User | None = None) -> list[AuditEntry]:
    """The community's audit entries of one kind (about one person), oldest first."""
    entries = AuditEntry.objects.filter(community=community, action=action)
    if person is not None:
        entries = entries.filter(target_type="person", target_id=person.pk)
    return list(entries.order_by("pk"))


def _status(community: Community, person: User) -> str | None:
    membership = Membership.objects.filter(community=community, user=person).first()
    return None if membership is None else membership.status


# Requests to join ---------------------------------------------------------------------


def test_a_steward_lists_the_requests_to_join_oldest_first(api: ApiClient, cast: Cast) -> None:
    community_join(community=cast.quiet, user=cast.otto)
    community_join(community=cast.quiet, user=cast.nina)
    response = api.as_(cast.stella).get(f"{QUIET}/members", status="pending")
    assert response.status == 200
    assert response.body["count"] == 2
    assert [m["username"] for m in response.body["items"]] == ["otto", "nina"]
    assert {m["status"] for m in response.body["items"]} == {"pending"}


def test_the_member_list_without_a_status_stays_the_active_members(
    api: ApiClient, cast: Cast
) -> None:
    community_join(community=cast.quiet, user=cast.otto)
    response = api.as_(cast.stella).get(f"{QUIET}/members")
    assert {m["username"] for m in response.body["items"]} == {"stella", "mo"}
    assert {m["status"] for m in response.body["items"]} == {"active"}


def test_members_who_are_not_stewards_do_not_see_requests_to_join(
    api: ApiClient, cast: Cast
) -> None:
    community_join(community=cast.quiet, user=cast.otto)
    response = api.as_(cast.mo).get(f"{QUIET}/members", status="pending")
    assert response.status == 403
    assert response.field == "status"
    assert "otto" not in response.text
    assert api.get(f"{GARDENERS}/members", status="pending").status == 403


def test_outsiders_asking_for_requests_to_a_members_only_community_get_a_404(
    api: ApiClient, cast: Cast
) -> None:
    community_join(community=cast.quiet, user=cast.nina)
    assert api.as_(cast.otto).get(f"{QUIET}/members", status="pending").status == 404
    assert api.get(f"{QUIET}/members", status="pending").status == 404


def test_an_unknown_status_is_refused(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.stella).get(f"{QUIET}/members", status="banned")
    assert response.status == 422
    assert response.field == "status"


def test_a_steward_approves_a_request_and_the_audit_log_says_so(api: ApiClient, cast: Cast) -> None:
    community_join(community=cast.quiet, user=cast.otto)
    response = api.as_(cast.stella).post(f"{QUIET}/members/otto/approve")
    assert response.status == 200
    assert (response.body["username"], response.body["status"]) == ("otto", "active")
    assert api.as_(cast.otto).get(f"{QUIET}/threads").status == 200
    [entry] = _entries(cast.quiet, "approve", cast.otto)
    assert (entry.actor, entry.target_id, entry.target_label) == (cast.stella, cast.otto.pk, "otto")
    log = api.as_(cast.stella).get(f"{QUIET}/audit").body["items"]
    assert (log[0]["action"], log[0]["actor"], log[0]["target_label"]) == (
        "approve",
        "stella",
        "otto",
    )


def test_approving_an_active_member_changes_nothing_and_records_nothing(
    api: ApiClient, cast: Cast
) -> None:
    before = _entries(cast.quiet, "approve", cast.mo)
    response = api.as_(cast.stella).post(f"{QUIET}/members/mo/approve")
    assert response.status == 200
    assert response.body["status"] == "active"
    assert _entries(cast.quiet, "approve", cast.mo) == before


def test_a_member_who_is_not_a_steward_cannot_approve(api: ApiClient, cast: Cast) -> None:
    community_join(community=cast.quiet, user=cast.otto)
    response = api.as_(cast.mo).post(f"{QUIET}/members/otto/approve")
    assert response.status == 403
    assert _status(cast.quiet, cast.otto) == MembershipStatus.PENDING
    assert _entries(cast.quiet, "approve", cast.otto) == []


def test_a_non_steward_cannot_tell_who_asked_to_join(api: ApiClient, cast: Cast) -> None:
    community_join(community=cast.quiet, user=cast.nina)
    asked = api.as_(cast.otto).post(f"{QUIET}/members/nina/approve")
    nobody = api.as_(cast.otto).post(f"{QUIET}/members/nobody-at-all/approve")
    assert asked.status == nobody.status == 403
    assert asked.body == nobody.body


def test_approving_someone_without_a_membership_is_a_404_naming_the_username(
    api: ApiClient, cast: Cast
) -> None:
    response = api.as_(cast.stella).post(f"{QUIET}/members/otto/approve")
    assert response.status == 404
    assert response.field == "username"


def test_stewarding_in_an_unknown_community_is_a_404(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.stella).post("/api/v1/communities/nowhere/members/mo/approve")
    assert response.status == 404
    assert response.field == "slug"


def test_stewarding_needs_a_token(api: ApiClient, cast: Cast) -> None:
    community_join(community=cast.quiet, user=cast.otto)
    assert api.post(f"{QUIET}/members/otto/approve").status == 401
    assert api.post(f"{QUIET}/members/otto/turn-down", {}).status == 401
    assert api.patch(f"{GARDENERS}/members/mo", {"role": "steward"}).status == 401
    assert _remove(api, f"{GARDENERS}/members/mo", {"note": "x"}).status == 401


def test_a_steward_turns_a_request_down_with_a_reason_and_it_can_be_made_again(
    api: ApiClient, cast: Cast
) -> None:
    community_join(community=cast.quiet, user=cast.otto)
    response = api.as_(cast.stella).post(
        f"{QUIET}/members/otto/turn-down", {"note": "  We are full this season. "}
    )
    assert response.status == 200
    assert response.body == {
        "community": "quiet-room",
        "username": "otto",
        "outcome": "turned_down",
        "note": "We are full this season.",
    }
    assert _status(cast.quiet, cast.otto) is None
    [entry] = _entries(cast.quiet, "reject")
    assert (entry.actor, entry.target_label, entry.note) == (
        cast.stella,
        "otto",
        "We are full this season.",
    )
    again = api.as_(cast.otto).post(f"{QUIET}/join")
    assert again.body["status"] == "pending"


def test_turning_down_needs_no_reason(api: ApiClient, cast: Cast) -> None:
    community_join(community=cast.quiet, user=cast.otto)
    response = api.as_(cast.stella).post(f"{QUIET}/members/otto/turn-down")
    assert response.status == 200
    assert _entries(cast.quiet, "reject")[0].note == ""


def test_an_active_member_is_not_turned_down(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.stella).post(f"{QUIET}/members/mo/turn-down", {"note": "no"})
    assert response.status == 422
    assert response.field == "username"
    assert _status(cast.quiet, cast.mo) == MembershipStatus.ACTIVE
    assert _entries(cast.quiet, "reject") == []


def test_a_member_who_is_not_a_steward_cannot_turn_a_request_down(
    api: ApiClient, cast: Cast
) -> None:
    community_join(community=cast.quiet, user=cast.otto)
    response = api.as_(cast.mo).post(f"{QUIET}/members/otto/turn-down", {"note": "no"})
    assert response.status == 403
    assert _status(cast.quiet, cast.otto) == MembershipStatus.PENDING


# Roles --------------------------------------------------------------------------------


def test_a_steward_makes_a_member_a_steward_and_the_audit_log_says_so(
    api: ApiClient, cast: Cast
) -> None:
    response = api.as_(cast.stella).patch(f"{GARDENERS}/members/mo", {"role": "steward"})
    assert response.status == 200
    assert (response.body["username"], response.body["role"]) == ("mo", "steward")
    [entry] = _entries(cast.gardeners, "role")
    assert (entry.actor, entry.target_label, entry.note) == (cast.stella, "mo", "member → steward")
    # The new steward can steward at once.
    assert api.as_(cast.mo).get(f"{GARDENERS}/members", status="pending").status == 200


def test_a_steward_makes_another_steward_a_member_again(api: ApiClient, cast: Cast) -> None:
    api.as_(cast.stella).patch(f"{GARDENERS}/members/mo", {"role": "steward"})
    response = api.as_(cast.mo).patch(f"{GARDENERS}/members/stella", {"role": "member"})
    assert response.status == 200
    assert response.body["role"] == "member"
    notes = [e.note for e in _entries(cast.gardeners, "role")]
    assert notes == ["member → steward", "steward → member"]


def test_setting_the_role_someone_has_records_nothing(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.stella).patch(f"{GARDENERS}/members/nina", {"role": "member"})
    assert response.status == 200
    assert _entries(cast.gardeners, "role") == []


def test_the_last_steward_cannot_step_down(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.stella).patch(f"{GARDENERS}/members/stella", {"role": "member"})
    assert response.status == 403
    assert "at least one steward" in response.detail
    assert Membership.objects.get(community=cast.gardeners, user=cast.stella).role == Role.STEWARD


def test_an_unknown_role_is_refused_with_the_choices(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.stella).patch(f"{GARDENERS}/members/mo", {"role": "queen"})
    assert response.status == 422
    assert response.field == "role"
    assert "steward" in response.detail


def test_a_person_waiting_to_join_gets_no_role(api: ApiClient, cast: Cast) -> None:
    community_join(community=cast.quiet, user=cast.otto)
    response = api.as_(cast.stella).patch(f"{QUIET}/members/otto", {"role": "steward"})
    assert response.status == 422
    assert response.field == "username"


def test_a_member_who_is_not_a_steward_cannot_change_roles(api: ApiClient, cast: Cast) -> None:
    response = api.as_(cast.mo).patch(f"{GARDENERS}/members/mo", {"role": "steward"})
    assert response.status == 403
    assert Membership.objects.get(community=cast.gardeners, user=cast.mo).role == Role.MEMBER
    assert _entries(cast.gardeners, "role") == []


# Removing members ---------------------------------------------------------------------


def test_a_steward_removes_a_member_with_a_reason_and_the_audit_log_says_so(
    api: ApiClient, cast: Cast
) -> None:
    response = _remove(
        api.as_(cast.stella), f"{GARDENERS}/members/nina", {"note": "Posted adverts."}
    )
    assert response.status == 200
    assert response.body == {
        "community": "gardeners",
        "username": "nina",
        "outcome": "removed",
        "note": "Posted adverts.",
    }
    assert _status(cast.gardeners, cast.nina) is None
    listed = api.get(f"{GARDENERS}/members").body["items"]
    assert "nina" not in {m["username"] for m in listed}
    [entry] = _entries(cast.gardeners, "remove")
    assert (entry.actor, entry.target_label, entry.note) == (
        cast.stella,
        "nina",
        "Posted adverts.",
    )


def test_removing_needs_a_reason(api: ApiClient, cast: Cast) -> None:
    steward = api.as_(cast.stella)
    missing = _remove(steward, f"{GARDENERS}/members/nina", {})
    assert (missing.status, missing.field) == (422, "note")
    blank = _remove(steward, f"{GARDENERS}/members/nina", {"note": "   "})
    assert (blank.status, blank.field) == (422, "note")
    too_long = _remove(steward, f"{GARDENERS}/members/nina", {"note": "x" * 501})
    assert (too_long.status, too_long.field) == (422, "note")
    assert _status(cast.gardeners, cast.nina) == MembershipStatus.ACTIVE
    assert _entries(cast.gardeners, "remove") == []


def test_a_steward_cannot_remove_themself(api: ApiClient, cast: Cast) -> None:
    response = _remove(api.as_(cast.stella), f"{GARDENERS}/members/stella", {"note": "bye"})
    assert response.status == 422
    assert response.field == "username"
    assert "leave" in response.detail


def test_the_last_steward_is_never_removed(api: ApiClient, cast: Cast) -> None:
    admin = user_create(username="root")
    User.objects.filter(pk=admin.pk).update(is_superuser=True)
    response = _remove(api.as_(admin), f"{GARDENERS}/members/stella", {"note": "Tidy up."})
    assert response.status == 403
    assert "at least one steward" in response.detail
    assert _status(cast.gardeners, cast.stella) == MembershipStatus.ACTIVE


def test_a_steward_removes_another_steward(api: ApiClient, cast: Cast) -> None:
    api.as_(cast.stella).patch(f"{GARDENERS}/members/mo", {"role": "steward"})
    response = _remove(api.as_(cast.stella), f"{GARDENERS}/members/mo", {"note": "Moved away."})
    assert response.status == 200
    assert _status(cast.gardeners, cast.mo) is None


def test_a_person_waiting_to_join_is_turned_down_not_removed(api: ApiClient, cast: Cast) -> None:
    community_join(community=cast.quiet, user=cast.otto)
    response = _remove(api.as_(cast.stella), f"{QUIET}/members/otto", {"note": "no"})
    assert response.status == 422
    assert response.field == "username"
    assert _status(cast.quiet, cast.otto) == MembershipStatus.PENDING


def test_a_member_who_is_not_a_steward_cannot_remove_anyone(api: ApiClient, cast: Cast) -> None:
    response = _remove(api.as_(cast.mo), f"{GARDENERS}/members/nina", {"note": "I dislike her."})
    assert response.status == 403
    assert _status(cast.gardeners, cast.nina) == MembershipStatus.ACTIVE
    assert _entries(cast.gardeners, "remove") == []


def test_an_outsider_cannot_remove_anyone_from_a_members_only_community(
    api: ApiClient, cast: Cast
) -> None:
    response = _remove(api.as_(cast.otto), f"{QUIET}/members/mo", {"note": "Out."})
    assert response.status == 403
    assert _status(cast.quiet, cast.mo) == MembershipStatus.ACTIVE
