"""API of communities: list, create, read, join, who belongs, and stewarding members."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from practica.accounts.models import User
from practica.communities import circles, selectors, services
from practica.communities.models import (
    Agreement,
    Aspiration,
    Circle,
    CircleMembership,
    CircleTier,
    Community,
    Membership,
    MembershipStatus,
    Role,
    Visibility,
)
from practica.communities.pages import membership_get, viewer_of_card
from practica.core.api_auth import PUBLIC_READ, caller, signed_in
from practica.core.api_schemas import (
    ERRORS_READ,
    ERRORS_WRITE,
    STORABLE,
    ErrorOut,
    InputSchema,
    ObjectId,
    PageOut,
    PageQuery,
    ProvenanceOut,
    Slug,
    page_of,
    provenance_of,
)
from practica.core.errors import NotAllowed, NotFound, PracticaError
from practica.core.text import render_markdown

router = Router(tags=["communities"])


class CommunityIn(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=200), STORABLE]
    slug: Annotated[str, Field(min_length=1, max_length=100), STORABLE] = Field(
        description="Lower-case letters, digits and hyphens; the community's address.",
        examples=["urban-growers"],
    )
    domain: Annotated[str, Field(max_length=200), STORABLE] = ""
    purpose: Annotated[str, Field(max_length=10_000), STORABLE] = ""
    aspiration: Aspiration = Aspiration.KNOWLEDGE_WEAVING
    visibility: Visibility = Visibility.PUBLIC


class CommunityOut(Schema):
    """A community's card: what anyone may know about it, members-only or not."""

    id: int
    slug: str
    name: str
    domain: str
    purpose: str
    aspiration: Aspiration
    visibility: Visibility
    created_at: datetime
    member_count: int
    provenance: ProvenanceOut | None

    @staticmethod
    def resolve_member_count(obj: Community) -> int:
        annotated = getattr(obj, "member_count", None)  # lists annotate it in one query
        if annotated is not None:
            return int(annotated)
        return selectors.member_list(community=obj).count()

    @staticmethod
    def resolve_provenance(obj: Community) -> ProvenanceOut | None:
        return provenance_of(obj)


class MembershipOut(Schema):
    id: int
    community: str = Field(description="The community's slug.")
    username: str
    role: str
    status: str = Field(description="active, or pending until a steward approves.")
    joined_at: datetime

    @staticmethod
    def resolve_community(obj: Membership) -> str:
        return obj.community.slug

    @staticmethod
    def resolve_username(obj: Membership) -> str:
        return obj.user.username


class MemberOut(Schema):
    username: str
    name: str
    role: str
    status: str = Field(description="active, or pending: asked to join, waiting for a steward.")
    joined_at: datetime = Field(description="When they joined, or asked to join.")

    @staticmethod
    def resolve_username(obj: Membership) -> str:
        return obj.user.username

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.user.name


@router.get(
    "/communities",
    auth=PUBLIC_READ,
    response={200: PageOut[CommunityOut], **ERRORS_READ},
    summary="List communities",
)
def community_list(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Every community's card, by name. Members-only communities are listed too, so that
    people can ask to join; what is said inside them stays hidden."""
    communities = selectors.community_list(user=caller(request))
    # The count annotation makes Django drop Meta.ordering; pages need a fixed order.
    return page_of(communities.order_by("name", "id"), page)


@router.post(
    "/communities",
    response={201: CommunityOut, **ERRORS_WRITE},
    summary="Create a community",
)
def community_create(request: HttpRequest, payload: CommunityIn) -> Any:
    """The creator becomes the community's first steward."""
    community = services.community_create(creator=signed_in(request), **payload.dict())
    return Status(201, community)


@router.get(
    "/communities/{slug}",
    auth=PUBLIC_READ,
    response={200: CommunityOut, **ERRORS_READ},
    summary="Read a community's card",
)
def community_detail(request: HttpRequest, slug: Slug) -> Any:
    return selectors.community_get(slug=slug, user=caller(request))


@router.post(
    "/communities/{slug}/join",
    response={200: MembershipOut, **ERRORS_WRITE},
    summary="Join a community",
)
def community_join(request: HttpRequest, slug: Slug) -> Any:
    """Joins a public community at once; for a members-only one, asks to join (the
    membership stays ``pending`` until a steward approves). Joining twice is harmless."""
    community = selectors.community_get(slug=slug, user=signed_in(request))
    return services.community_join(community=community, user=signed_in(request))


@router.get(
    "/communities/{slug}/members",
    auth=PUBLIC_READ,
    response={200: PageOut[MemberOut], **ERRORS_READ, 403: ErrorOut},
    summary="List a community's members, or its requests to join (stewards)",
)
def member_list(
    request: HttpRequest,
    slug: Slug,
    page: Query[PageQuery],
    status: MembershipStatus = MembershipStatus.ACTIVE,
) -> Any:
    """Active members, stewards first. Hidden (404) for members-only communities
    unless you belong to them. With ``status=pending``, the people waiting for a steward
    to approve their request to join, oldest first: stewards only (403 for others)."""
    user = caller(request)
    community = selectors.community_get_readable(slug=slug, user=user)
    if status == MembershipStatus.ACTIVE:
        return page_of(selectors.member_list(community=community), page)
    if not selectors.is_steward(community=community, user=user):
        raise NotAllowed(
            f"only a steward of {community.name} sees its requests to join", field="status"
        )
    pending = selectors.pending_members(community=community).order_by("joined_at", "pk")
    return page_of(pending, page)


# Stewarding members -------------------------------------------------------------------

Username = Annotated[str, Field(max_length=150), STORABLE]


class RoleIn(InputSchema):
    role: Role = Field(description="steward or member.")


class TurnDownIn(InputSchema):
    note: Annotated[str, Field(max_length=500), STORABLE] = Field(
        default="", description="Why, if you wish to say (written in the audit log)."
    )


class RemoveIn(InputSchema):
    note: Annotated[str, Field(min_length=1, max_length=500), STORABLE] = Field(
        description="Why they are removed: required, written in the audit log."
    )


class MembershipEndedOut(Schema):
    """What is left of a membership that ended: who, where, how and why."""

    community: str = Field(description="The community's slug.")
    username: str
    outcome: Literal["turned_down", "removed"]
    note: str


@contextmanager
def _about_username() -> Iterator[None]:
    """The services name the person ``user``; clients sent ``username``."""
    try:
        yield
    except PracticaError as exc:
        if exc.field == "user":
            exc.field = "username"
        raise


def _stewarding(
    request: HttpRequest, slug: str, username: str
) -> tuple[User, Community, Membership]:
    """The steward calling, and the membership they act on: the web pages' check.

    The caller must steward the community before anything is said about the person,
    so that nobody else can learn who asked to join a members-only community."""
    user = signed_in(request)
    viewer = viewer_of_card(slug=slug, user=user)
    if not viewer.is_steward:
        raise NotAllowed(f"only a steward of {viewer.community.name} can do this")
    with _about_username():
        membership = membership_get(community=viewer.community, username=username)
    return user, viewer.community, membership


@router.post(
    "/communities/{slug}/members/{username}/approve",
    response={200: MembershipOut, **ERRORS_WRITE},
    summary="Approve a request to join (stewards)",
)
def member_approve(request: HttpRequest, slug: Slug, username: Username) -> Any:
    """The person becomes an active member and reads the community's content. Approving
    someone already active changes nothing (and writes nothing in the audit log)."""
    steward, community, membership = _stewarding(request, slug, username)
    with _about_username():
        return services.membership_approve(community=community, actor=steward, user=membership.user)


def _membership_end(
    request: HttpRequest,
    slug: str,
    username: str,
    end: Callable[..., None],
    note: str,
    outcome: Literal["turned_down", "removed"],
) -> MembershipEndedOut:
    """Turn down a request or remove a member through ``end`` (a service), as a steward."""
    steward, community, membership = _stewarding(request, slug, username)
    with _about_username():
        end(community=community, actor=steward, user=membership.user, note=note)
    return MembershipEndedOut(
        community=community.slug,
        username=membership.user.username,
        outcome=outcome,
        note=note.strip(),
    )


@router.post(
    "/communities/{slug}/members/{username}/turn-down",
    response={200: MembershipEndedOut, **ERRORS_WRITE},
    summary="Turn down a request to join (stewards)",
)
def member_turn_down(
    request: HttpRequest, slug: Slug, username: Username, payload: TurnDownIn
) -> Any:
    """The request is dropped; the person may ask again later. 422 when they are not
    waiting (an active member is removed instead)."""
    return _membership_end(
        request, slug, username, services.membership_reject, payload.note, "turned_down"
    )


@router.patch(
    "/communities/{slug}/members/{username}",
    response={200: MembershipOut, **ERRORS_WRITE},
    summary="Change a member's role (stewards)",
)
def member_set_role(request: HttpRequest, slug: Slug, username: Username, payload: RoleIn) -> Any:
    """Make an active member a steward, or a steward a member again. A community keeps at
    least one steward (403); setting the role someone has changes nothing."""
    steward, community, membership = _stewarding(request, slug, username)
    with _about_username():
        return services.membership_set_role(
            community=community,
            actor=steward,
            user=membership.user,
            role=payload.role,
        )


@router.delete(
    "/communities/{slug}/members/{username}",
    response={200: MembershipEndedOut, **ERRORS_WRITE},
    summary="Remove a member (stewards)",
)
def member_remove(request: HttpRequest, slug: Slug, username: Username, payload: RemoveIn) -> Any:
    """Removes an active member, with a reason for the audit log (the JSON body's
    ``note``). They also leave the community's circles. Not yourself (422: leave
    instead), and never the last steward (403)."""
    return _membership_end(
        request, slug, username, services.membership_remove, payload.note, "removed"
    )


# Circles ------------------------------------------------------------------------------


class CircleIn(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=200), STORABLE]
    slug: Annotated[str, Field(min_length=1, max_length=100), STORABLE] = Field(
        description="Lower-case letters, digits and hyphens; unique in the community.",
        examples=["night-shift"],
    )
    tier: CircleTier = Field(
        default=CircleTier.MEMBERS,
        description="open: anyone who can read the community; members: its members; "
        "private: by invitation; confidential: private, and kept out of exports, search "
        "for others, and the compass's detail.",
    )
    description: Annotated[str, Field(max_length=10_000), STORABLE] = ""
    chatham_house: bool = Field(
        default=False,
        description="What is said may be used outside the circle, but authors are shown "
        "there as 'a member of <circle>'.",
    )


class CircleOut(Schema):
    id: int
    community: str = Field(description="The community's slug.")
    slug: str
    name: str
    description: str
    tier: CircleTier
    chatham_house: bool
    created_at: datetime
    is_in: bool = Field(description="Whether the caller is in the circle.")

    @staticmethod
    def resolve_community(obj: Circle) -> str:
        return obj.community.slug

    @staticmethod
    def resolve_is_in(obj: Circle, context: dict[str, Any]) -> bool:
        return obj.pk in circles.circle_ids_of(caller(context["request"]))


class InviteIn(InputSchema):
    username: Annotated[str, Field(min_length=1, max_length=150), STORABLE]


class CircleMemberOut(Schema):
    circle_id: int
    username: str
    joined_at: datetime

    @staticmethod
    def resolve_username(obj: CircleMembership) -> str:
        return obj.user.username


@router.get(
    "/communities/{slug}/circles",
    auth=PUBLIC_READ,
    response={200: list[CircleOut], **ERRORS_READ},
    summary="List the circles you may know of",
)
def circle_list(request: HttpRequest, slug: Slug) -> Any:
    """Open and members' circles you can read, and private or confidential circles you are
    in. Other closed circles are not listed: not even their names leave them."""
    community = selectors.community_get_readable(slug=slug, user=caller(request))
    return circles.circles_visible(community=community, user=caller(request))


@router.post(
    "/communities/{slug}/circles",
    response={201: CircleOut, **ERRORS_WRITE},
    summary="Open a circle",
)
def circle_create(request: HttpRequest, slug: Slug, payload: CircleIn) -> Any:
    """Stewards open circles; in a private or confidential one, the steward is its first
    member and invites the others."""
    user = signed_in(request)
    community = selectors.community_get_readable(slug=slug, user=user)
    return Status(201, circles.circle_create(community=community, actor=user, **payload.dict()))


@router.post(
    "/circles/{id}/invite",
    response={201: CircleMemberOut, **ERRORS_WRITE},
    summary="Invite someone into a private or confidential circle",
)
def circle_invite(request: HttpRequest, id: ObjectId, payload: InviteIn) -> Any:
    """Members of the circle invite members of its community. A circle you are not in is
    404, as if it did not exist."""
    user = signed_in(request)
    circle = circles.circle_by_id(circle_id=id, user=user)
    person = User.objects.filter(username=payload.username, is_active=True).first()
    if person is None:
        raise NotFound(f"nobody is called {payload.username}", field="username")
    return Status(201, circles.circle_invite(circle=circle, actor=user, user=person))


# Agreements ---------------------------------------------------------------------------


class AgreementOut(Schema):
    version: int
    body: str
    body_html: str
    change_note: str
    created_at: datetime
    accepted: bool = Field(description="Whether the caller accepted this version.")

    @staticmethod
    def resolve_body_html(obj: Agreement) -> str:
        return render_markdown(obj.body)

    @staticmethod
    def resolve_accepted(obj: Agreement, context: dict[str, Any]) -> bool:
        person = caller(context["request"])
        if not person.is_authenticated:
            return False
        return obj.acceptances.filter(person=person).exists()


class AcceptIn(InputSchema):
    version: int = Field(
        ge=1, description="The version you read; refused (409) if a newer one came out."
    )


@router.get(
    "/communities/{slug}/agreement",
    auth=PUBLIC_READ,
    response={200: AgreementOut, **ERRORS_READ},
    summary="Read the community's current agreements",
)
def agreement_current(request: HttpRequest, slug: Slug) -> Any:
    """The agreements are part of the community's card: anyone may read them before
    joining. 404 when the community has none yet."""
    community = selectors.community_get(slug=slug, user=caller(request))
    current = circles.agreement_current(community=community)
    if current is None:
        raise NotFound(f"{community.name} has no agreements yet", field="slug")
    return current


@router.post(
    "/communities/{slug}/agreement",
    response={200: AgreementOut, **ERRORS_WRITE},
    summary="Accept the community's current agreements",
)
def agreement_accept(request: HttpRequest, slug: Slug, payload: AcceptIn) -> Any:
    """Members accept a new version before they post again; people about to join accept
    it here or when joining."""
    user = signed_in(request)
    community = selectors.community_get(slug=slug, user=user)
    acceptance = circles.agreement_accept_version(
        community=community, person=user, version=payload.version
    )
    return acceptance.agreement
