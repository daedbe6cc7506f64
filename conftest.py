"""The named people every test can use: a steward, a member, a newcomer, an outsider."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from practica.accounts.models import User
from practica.accounts.services import user_create
from practica.communities.models import Community, Visibility
from practica.communities.services import community_create, community_join, membership_approve


@dataclass
class People:
    steward: User
    member: User
    newcomer: User
    outsider: User
    community: Community
    private: Community


@pytest.fixture
def people(db: None) -> People:
    steward = user_create(
        username="alice",
        email="alice@example.org",
        password="pw-alice-123",
        display_name="Alice Steward",
    )
    member = user_create(
        username="bob", email="bob@example.org", password="pw-bob-123", display_name="Bob Member"
    )
    newcomer = user_create(
        username="carol",
        email="carol@example.org",
        password="pw-carol-123",
        display_name="Carol Newcomer",
    )
    outsider = user_create(
        username="dave",
        email="dave@example.org",
        password="pw-dave-123",
        display_name="Dave Outsider",
    )
    community = community_create(
        creator=steward, name="Urban Growers", slug="growers", domain="urban farming"
    )
    private = community_create(
        creator=steward, name="Stewards' Room", slug="stewards", visibility=Visibility.MEMBERS
    )
    for person in (member, newcomer):
        community_join(community=community, user=person)
    community_join(community=private, user=member)
    membership_approve(community=private, actor=steward, user=member)
    return People(steward, member, newcomer, outsider, community, private)
