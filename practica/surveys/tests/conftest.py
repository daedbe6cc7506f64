"""A community with enough members to answer a survey: the cast plus five growers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from practica.accounts.models import User
from practica.accounts.services import user_create
from practica.communities.services import community_join


@dataclass
class Crowd:
    people: object
    growers: list[User]


@pytest.fixture
def crowd(people) -> Crowd:
    growers = []
    for n in range(1, 6):
        person = user_create(username=f"grower{n}", display_name=f"Grower {n}")
        community_join(community=people.community, user=person)
        growers.append(person)
    return Crowd(people=people, growers=growers)
