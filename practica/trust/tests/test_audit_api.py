"""The audit log over HTTP: stewards read it, others are refused."""

from __future__ import annotations

from practica.communities.circles import agreement_publish, circle_create, circle_invite
from practica.communities.models import Membership, Role
from practica.communities.services import membership_set_role
from practica.testing.api import ApiClient, Cast

pytest_plugins = ["practica.testing.api_fixtures"]


def test_stewards_read_the_audit_log_and_others_are_refused(api: ApiClient, cast: Cast) -> None:
    agreement_publish(community=cast.gardeners, actor=cast.stella, body="Share seeds.")
    membership_set_role(
        community=cast.gardeners, actor=cast.stella, user=cast.mo, role=Role.STEWARD
    )
    path = "/api/v1/communities/gardeners/audit"
    answer = api.as_(cast.stella).get(path)
    assert answer.status == 200 and answer.body["count"] == 2
    newest, oldest = answer.body["items"]
    assert newest["action"] == "role" and newest["note"] == "member → steward"
    assert newest["actor"] == "stella" and newest["target_label"] == "mo"
    assert oldest["action"] == "agreement" and oldest["said"] == "published the agreements,"
    assert api.as_(cast.nina).get(path).status == 403
    assert api.get(path).status == 401
    assert api.as_(cast.otto).get("/api/v1/communities/quiet-room/audit").status == 404


def test_entries_about_a_closed_circle_reach_only_its_members(api: ApiClient, cast: Cast) -> None:
    Membership.objects.filter(community=cast.gardeners, user=cast.mo).update(role=Role.STEWARD)
    circle = circle_create(
        community=cast.gardeners, actor=cast.stella, name="Quiet", slug="quiet", tier="private"
    )
    circle_invite(circle=circle, actor=cast.stella, user=cast.nina)
    path = "/api/v1/communities/gardeners/audit"
    inside = api.as_(cast.stella).get(path).body
    assert [(e["action"], e["circle"]) for e in inside["items"]] == [
        ("circle_invite", "quiet"),
        ("circle_create", "quiet"),
    ]
    assert api.as_(cast.mo).get(path).body["count"] == 0
