"""Circles and agreements: the spaces and norms that hold people safely.

Writes for circles (create, invite, leave) and agreements (publish a version,
accept it). Reading a circle's content always goes through
``Thread.objects.visible_to``; this module only decides who is in a circle.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from practica.accounts.models import User
from practica.communities.models import (
    CLOSED_TIERS,
    Agreement,
    AgreementAcceptance,
    Circle,
    CircleMembership,
    CircleTier,
    Community,
)
from practica.communities.selectors import AnyUser, is_member, is_steward
from practica.communities.services import RESERVED_SLUGS, SLUG_RE
from practica.core.errors import Conflict, InvalidInput, NotAllowed, NotFound


def circle_create(
    *,
    community: Community,
    actor: User,
    name: str,
    slug: str,
    tier: str = CircleTier.MEMBERS,
    description: str = "",
    chatham_house: bool = False,
) -> Circle:
    """Stewards open circles; in a closed one the steward who opens it is its first member."""
    if not is_steward(community=community, user=actor):
        raise NotAllowed("only a steward can open a circle")
    if not name.strip():
        raise InvalidInput("a circle needs a name", field="name")
    if not SLUG_RE.match(slug or "") or slug in RESERVED_SLUGS:
        raise InvalidInput("a slug is lower-case letters, digits and hyphens", field="slug")
    if tier not in CircleTier.values:
        raise InvalidInput(f"tier must be one of {', '.join(CircleTier.values)}", field="tier")
    try:
        with transaction.atomic():
            circle = Circle.objects.create(
                community=community,
                name=name.strip(),
                slug=slug,
                tier=tier,
                description=description.strip(),
                chatham_house=chatham_house,
                created_by=actor,
            )
            if tier in CLOSED_TIERS:
                CircleMembership.objects.create(circle=circle, user=actor, invited_by=actor)
    except IntegrityError as exc:
        raise Conflict(f"the circle {slug!r} exists already", field="slug") from exc
    return circle


def is_in_circle(*, circle: Circle, user: AnyUser) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return CircleMembership.objects.filter(circle=circle, user=user).exists()


def can_enter(*, circle: Circle, user: AnyUser) -> bool:
    """Whether a person may read what is said in a circle (same rule as the thread funnel)."""
    if user is not None and user.is_authenticated and user.is_superuser:
        return True
    if circle.tier in CLOSED_TIERS:
        return is_in_circle(circle=circle, user=user)
    if circle.tier == CircleTier.MEMBERS:
        return is_member(community=circle.community, user=user)
    from practica.communities.selectors import can_read

    return can_read(community=circle.community, user=user)


def circle_invite(*, circle: Circle, actor: User, user: User) -> CircleMembership:
    """Members of a closed circle, and the community's stewards, invite members of the community."""
    if circle.tier not in CLOSED_TIERS:
        raise InvalidInput("only private and confidential circles take invitations", field="circle")
    if not (
        is_in_circle(circle=circle, user=actor)
        or is_steward(community=circle.community, user=actor)
    ):
        raise NotAllowed("only the circle's members or a steward can invite")
    if not is_member(community=circle.community, user=user):
        raise InvalidInput(f"{user.username} is not a member of the community", field="user")
    membership, _ = CircleMembership.objects.get_or_create(
        circle=circle, user=user, defaults={"invited_by": actor}
    )
    return membership


def circle_leave(*, circle: Circle, user: User) -> None:
    CircleMembership.objects.filter(circle=circle, user=user).delete()


def circles_visible(*, community: Community, user: AnyUser) -> list[Circle]:
    """Circles a person may know of: every open or members' circle they can read, and closed
    circles they belong to. A closed circle is invisible to everyone else, even its name."""
    return [c for c in community.circles.all() if can_enter(circle=c, user=user)]


def circle_get(*, community: Community, slug: str, user: AnyUser) -> Circle:
    circle = Circle.objects.filter(community=community, slug=slug).first()
    if circle is None or not can_enter(circle=circle, user=user):
        raise NotFound(f"no circle {slug!r}", field="slug")
    return circle


def agreement_current(*, community: Community, circle: Circle | None = None) -> Agreement | None:
    return Agreement.objects.filter(community=community, circle=circle).order_by("-version").first()


@transaction.atomic
def agreement_publish(
    *,
    community: Community,
    actor: User,
    body: str,
    change_note: str = "",
    circle: Circle | None = None,
) -> Agreement:
    """A new version; everyone, the steward included, accepts it again before taking part."""
    if not is_steward(community=community, user=actor):
        raise NotAllowed("only a steward can change the agreements")
    if not body.strip():
        raise InvalidInput("the agreement needs a text", field="body")
    if circle is not None and circle.community_id != community.pk:
        raise InvalidInput("that circle belongs to another community", field="circle")
    current = agreement_current(community=community, circle=circle)
    agreement = Agreement.objects.create(
        community=community,
        circle=circle,
        version=(current.version if current else 0) + 1,
        body=body.strip(),
        change_note=change_note.strip(),
        created_by=actor,
    )
    AgreementAcceptance.objects.create(agreement=agreement, person=actor)
    return agreement


def agreement_accept(*, agreement: Agreement, person: User) -> AgreementAcceptance:
    acceptance, _ = AgreementAcceptance.objects.get_or_create(agreement=agreement, person=person)
    return acceptance


def agreement_pending(*, community: Community, person: AnyUser) -> Agreement | None:
    """The community's current agreement if this person has not accepted it yet."""
    current = agreement_current(community=community)
    if current is None or person is None or not person.is_authenticated:
        return current
    if AgreementAcceptance.objects.filter(agreement=current, person=person).exists():
        return None
    return current


def agreement_history(*, community: Community, circle: Circle | None = None) -> QuerySet[Agreement]:
    return Agreement.objects.filter(community=community, circle=circle).order_by("-version")
