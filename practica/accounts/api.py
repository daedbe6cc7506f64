"""API of people: who the token belongs to, and their profile."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from practica.accounts import services
from practica.core.api_auth import signed_in
from practica.core.api_schemas import ERRORS_WRITE, STORABLE, InputSchema

router = Router(tags=["people"])


class ProfileIn(InputSchema):
    """Only the fields sent are changed."""

    display_name: Annotated[str, Field(max_length=150), STORABLE] | None = None
    bio: Annotated[str, Field(max_length=10_000), STORABLE] | None = None
    interests: Annotated[str, Field(max_length=500), STORABLE] | None = Field(
        default=None, description="Comma-separated topics."
    )
    offers: Annotated[str, Field(max_length=10_000), STORABLE] | None = Field(
        default=None, description="What I can offer."
    )
    learning: Annotated[str, Field(max_length=10_000), STORABLE] | None = Field(
        default=None, description="What I am learning."
    )
    sector: Annotated[str, Field(max_length=100), STORABLE] | None = None
    discipline: Annotated[str, Field(max_length=100), STORABLE] | None = None
    region: Annotated[str, Field(max_length=100), STORABLE] | None = None
    role_in_practice: Annotated[str, Field(max_length=100), STORABLE] | None = None
    location: Annotated[str, Field(max_length=200), STORABLE] | None = None
    website: Annotated[str, Field(max_length=500), STORABLE] | None = Field(
        default=None, description="An http(s) address, or empty."
    )


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    display_name: str
    bio: str
    interests: str
    offers: str
    learning: str
    sector: str
    discipline: str
    region: str
    role_in_practice: str
    location: str
    website: str
    date_joined: datetime


@router.get("/me", response={200: MeOut, **ERRORS_WRITE}, summary="Who am I")
def me(request: HttpRequest) -> Any:
    """The person the bearer token belongs to, with their profile."""
    return signed_in(request)


@router.patch("/me", response={200: MeOut, **ERRORS_WRITE}, summary="Change my profile")
def me_update(request: HttpRequest, payload: ProfileIn) -> Any:
    # Only the fields sent change; null clears a field like an empty string does.
    changes = {name: value or "" for name, value in payload.dict(exclude_unset=True).items()}
    return services.profile_update(user=signed_in(request), **changes)
