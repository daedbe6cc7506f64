"""Circles and agreements: the spaces and norms that hold people safely.

Writes for circles (create, invite, join, leave) and agreements (publish a
version, accept it). Reading a circle's content always goes through
``Thread.objects.visible_to``; this module decides who is in a circle, how an
author is named to someone outside a Chatham House circle
(``attribution_for``), and what of a circle may leave the database
(``exportable_threads``) or reach the compass (``confidential_thread_ids``,
``confidential_counts``). See docs/privacy.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

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
from practica.exchange.models import Reply, Thread


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
            _audit_circle(circle=circle, actor=actor, action="circle_create", note=tier)
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
        # Leaving the community closes its circles too (the thread funnel agrees).
        return is_in_circle(circle=circle, user=user) and is_member(
            community=circle.community, user=user
        )
    if circle.tier == CircleTier.MEMBERS:
        return is_member(community=circle.community, user=user)
    from practica.communities.selectors import can_read

    return can_read(community=circle.community, user=user)


def circle_invite(*, circle: Circle, actor: User, user: User) -> CircleMembership:
    """Members of a closed circle invite members of the community into it.

    Being a steward of the community is no key to a closed circle (the thread
    funnel says the same), so a steward outside the circle cannot invite,
    themselves or anyone else.
    """
    if circle.tier not in CLOSED_TIERS:
        raise InvalidInput("only private and confidential circles take invitations", field="circle")
    if not (is_in_circle(circle=circle, user=actor) or actor.is_superuser):
        raise NotAllowed("only the circle's own members can invite")
    if not is_member(community=circle.community, user=user):
        raise InvalidInput(f"{user.username} is not a member of the community", field="user")
    with transaction.atomic():
        membership, created = CircleMembership.objects.get_or_create(
            circle=circle, user=user, defaults={"invited_by": actor}
        )
        if created:
            _audit_circle(circle=circle, actor=actor, action="circle_invite", person=user)
    _forget_circles(user)
    if created and user.pk != actor.pk:
        _tell_invited(circle=circle, actor=actor, user=user)
    return membership


def _audit_circle(
    *, circle: Circle, actor: User, action: str, person: User | None = None, note: str = ""
) -> None:
    """Circle stewarding goes to the audit log; entries about a closed circle are sealed
    (only its own members read them, see ``trust.selectors.audit_list``)."""
    from practica.trust.audit import audit_record

    audit_record(
        community=circle.community,
        actor=actor,
        action=action,
        target_type="person" if person is not None else "circle",
        target_id=person.pk if person is not None else circle.pk,
        target_label=person.username if person is not None else circle.name,
        note=note,
        circle=circle,
    )


def _may_steward_circle(*, circle: Circle, actor: User) -> bool:
    """Stewards of the community look after its circles; a closed circle only from inside."""
    if actor.is_superuser:
        return True
    return is_steward(community=circle.community, user=actor) and can_enter(
        circle=circle, user=actor
    )


@transaction.atomic
def circle_remove(*, circle: Circle, actor: User, user: User, note: str = "") -> None:
    """A steward (inside the circle, when it is closed) takes someone out of a circle.

    To go yourself, ``circle_leave``. In a closed circle the person can come back only
    when a member invites them again.
    """
    if not _may_steward_circle(circle=circle, actor=actor):
        raise NotAllowed("only a steward inside the circle can remove people from it")
    if user.pk == actor.pk:
        raise InvalidInput("to go yourself, leave the circle", field="user")
    removed, _ = CircleMembership.objects.filter(circle=circle, user=user).delete()
    if not removed:
        raise InvalidInput(f"{user.username} is not in the circle", field="user")
    _forget_circles(user)
    _audit_circle(
        circle=circle, actor=actor, action="circle_remove", person=user, note=note.strip()
    )


@transaction.atomic
def circle_delete(*, circle: Circle, actor: User) -> None:
    """A steward deletes an empty circle. A circle that holds threads is refused: its threads
    would otherwise vanish with it, or leak out of it (``Thread.circle`` is RESTRICT, so
    only deleting the whole community takes circles and their threads together)."""
    if not _may_steward_circle(circle=circle, actor=actor):
        raise NotAllowed("only a steward inside the circle can delete it")
    held = Thread.objects.filter(circle=circle).count()
    if held:
        raise Conflict(
            f"the circle {circle.name} still holds {held} thread{'s' if held != 1 else ''}; "
            "a circle with threads cannot be deleted, as what was said there stays there"
        )
    _audit_circle(circle=circle, actor=actor, action="circle_delete")
    circle.delete()


def _tell_invited(*, circle: Circle, actor: User, user: User) -> None:
    from django.urls import reverse

    from practica.weaving.services import notification_create

    notification_create(
        recipient=user,
        text=f"{actor.name} invited you into the circle {circle.name}.",
        link=reverse("circles:detail", args=[circle.community.slug, circle.slug]),
        community=circle.community,
        actor=actor,
        key=f"circle-invite:{circle.pk}:{user.pk}",
        circle=circle,
    )


def circle_join(*, circle: Circle, user: User) -> CircleMembership:
    """Open and members' circles: any member of the community may join, and so be *in* the
    circle (its member list, names shown under the Chatham House rule). Closed circles are
    by invitation only."""
    if circle.tier in CLOSED_TIERS:
        raise NotAllowed("private and confidential circles are joined by invitation")
    if not is_member(community=circle.community, user=user):
        raise NotAllowed(f"join {circle.community.name} to join its circles")
    membership, _ = CircleMembership.objects.get_or_create(circle=circle, user=user)
    _forget_circles(user)
    return membership


def circle_leave(*, circle: Circle, user: User) -> None:
    """Anyone may leave. A closed circle whose last member leaves is sealed: nobody reads it."""
    CircleMembership.objects.filter(circle=circle, user=user).delete()
    _forget_circles(user)


def circles_for_posting(*, community: Community, user: AnyUser) -> list[Circle]:
    """Circles a person may start a thread in (the same rule as ``thread_create``)."""
    if not is_member(community=community, user=user):
        return []
    mine = circle_ids_of(user)
    return [c for c in community.circles.all() if c.tier not in CLOSED_TIERS or c.pk in mine]


def circle_members(*, circle: Circle) -> QuerySet[CircleMembership]:
    return (
        CircleMembership.objects.filter(circle=circle)
        .select_related("user")
        .order_by("user__display_name", "user__username")
    )


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
    if circle is not None and not can_enter(circle=circle, user=actor):
        raise NotAllowed("only a steward inside the circle can change its agreements")
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
    from practica.trust.audit import audit_record

    audit_record(
        community=community,
        actor=actor,
        action="agreement",
        target_type="agreement",
        target_id=agreement.pk,
        target_label=(
            f"version {agreement.version}"
            + (f" of the circle {circle.name}" if circle is not None else "")
        ),
        note=agreement.change_note,
        circle=circle,
    )
    return agreement


def agreement_accept(*, agreement: Agreement, person: User) -> AgreementAcceptance:
    acceptance, _ = AgreementAcceptance.objects.get_or_create(agreement=agreement, person=person)
    return acceptance


def agreement_pending(
    *, community: Community, person: AnyUser, circle: Circle | None = None
) -> Agreement | None:
    """The community's (or circle's) current agreement if this person has not accepted it yet."""
    current = agreement_current(community=community, circle=circle)
    if current is None or person is None or not person.is_authenticated:
        return current
    if AgreementAcceptance.objects.filter(agreement=current, person=person).exists():
        return None
    return current


def agreement_history(*, community: Community, circle: Circle | None = None) -> QuerySet[Agreement]:
    return Agreement.objects.filter(community=community, circle=circle).order_by("-version")


# Who is in which circle, once per person object -------------------------------------

_CIRCLE_CACHE = "_practica_circle_ids"


def circle_ids_of(user: AnyUser) -> frozenset[int]:
    """Ids of the circles a person belongs to, kept on the user object for the request.

    Lists call ``attribution_for`` once per item; this keeps that to one query.
    The writes above forget it for the person they change.
    """
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _CIRCLE_CACHE, None)
    if cached is None:
        cached = frozenset(
            CircleMembership.objects.filter(user=user).values_list("circle_id", flat=True)
        )
        setattr(user, _CIRCLE_CACHE, cached)
    return cached


def _forget_circles(user: AnyUser) -> None:
    if user is not None and hasattr(user, _CIRCLE_CACHE):
        delattr(user, _CIRCLE_CACHE)


# The Chatham House rule -------------------------------------------------------------

AUTHOR_UNKNOWN = "an unknown author"


@dataclass(frozen=True)
class Attribution:
    """How the author of a thread or reply is shown to one viewer.

    ``person`` is None when the name is withheld (or the author is unknown):
    pages then show ``name`` without a link to a profile.
    """

    name: str
    person: User | None
    withheld: bool = False


def attribution_for(item: Thread | Reply, viewer: AnyUser) -> Attribution:
    """Who said this, as ``viewer`` may be told.

    In a circle under the Chatham House rule, what is said may travel outside
    the circle, but not who said it: anyone not in the circle (outsiders,
    community members who did not join it, feed readers, exports) reads "a
    member of <circle>". Inside the circle, and for the author themself, names
    show as usual. Every channel that shows circle content beyond the circle
    (pages, feeds, the API, exports) asks here.
    """
    thread = item if isinstance(item, Thread) else item.thread
    author: User | None = item.author
    circle = thread.circle if thread.circle_id is not None else None
    if circle is not None and circle.chatham_house:
        is_author = author is not None and viewer is not None and viewer.pk == author.pk
        if not is_author and circle.pk not in circle_ids_of(viewer):
            return Attribution(name=f"a member of {circle.name}", person=None, withheld=True)
        if author is None:
            return Attribution(name=f"a member of {circle.name}", person=None)
    if author is None:
        return Attribution(name=AUTHOR_UNKNOWN, person=None)
    return Attribution(name=author.name, person=author)


def named_authorship(user: AnyUser, *, prefix: str = "") -> Q:
    """Threads (or, with ``prefix="thread__"``, replies) whose author ``user`` may be told.

    For lists by person (a profile, counts of who helped whom): a Chatham House
    thread seen from outside its circle must not be listed under its author.
    """
    named = Q(**{f"{prefix}circle__isnull": True}) | Q(**{f"{prefix}circle__chatham_house": False})
    if user is not None and user.is_authenticated:
        mine = CircleMembership.objects.filter(user=user).values("circle_id")
        named |= Q(**{f"{prefix}circle__in": mine}) | Q(**{f"{prefix}author": user})
    return named


# Confidential circles in exports and analytics ----------------------------------------

#: Tiers whose threads leave with an export (with their circle); closed ones never do.
EXPORTED_TIERS = frozenset({CircleTier.OPEN, CircleTier.MEMBERS})
#: The fewest people a confidential circle's figures may describe.
MIN_PEOPLE = 5


def exportable_threads(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    """Threads outside circles and in open or members' circles; private and confidential
    circles never leave the database."""
    return threads.filter(Q(circle__isnull=True) | Q(circle__tier__in=EXPORTED_TIERS))


def confidential_thread_ids(community: Community | int) -> QuerySet[Thread, int]:
    """Ids of the threads in the community's confidential circles (a subquery).

    The compass leaves these out of everything it computes per person (reply
    graph, rosters, maps, detail); see ``confidential_counts`` for what may be
    counted instead.
    """
    community_id = community if isinstance(community, int) else community.pk
    return Thread.objects.filter(
        community_id=community_id, circle__tier=CircleTier.CONFIDENTIAL
    ).values_list("pk", flat=True)


@dataclass(frozen=True)
class ConfidentialCounts:
    """What may be said about confidential circles at the community level."""

    circles: int
    threads: int
    replies: int
    people: int


def confidential_counts(community: Community | int) -> ConfidentialCounts:
    """Counts of threads, replies and people in confidential circles, summed over the circles
    where at least ``MIN_PEOPLE`` different people wrote; smaller circles count as nothing,
    so that no figure can point at a few people."""
    community_id = community if isinstance(community, int) else community.pk
    circles = threads = replies = 0
    people: set[int] = set()
    for circle in Circle.objects.filter(community_id=community_id, tier=CircleTier.CONFIDENTIAL):
        thread_rows = Thread.objects.filter(circle=circle)
        reply_rows = Reply.objects.filter(thread__circle=circle)
        writers = set(thread_rows.exclude(author=None).values_list("author_id", flat=True))
        writers |= set(reply_rows.exclude(author=None).values_list("author_id", flat=True))
        if len(writers) < MIN_PEOPLE:
            continue
        circles += 1
        threads += thread_rows.count()
        replies += reply_rows.count()
        people |= writers
    return ConfidentialCounts(circles=circles, threads=threads, replies=replies, people=len(people))


def agreement_accept_version(
    *, community: Community, person: User, version: int, circle: Circle | None = None
) -> AgreementAcceptance:
    """Accept the current version, named by its number so that nobody accepts a text they did
    not read: when a newer version came out meanwhile, this says so instead."""
    current = agreement_current(community=community, circle=circle)
    if current is None:
        raise NotFound("there are no agreements to accept yet", field="version")
    if version != current.version:
        raise Conflict(
            f"the agreements changed while you read them: read version {current.version}",
            field="version",
        )
    return agreement_accept(agreement=current, person=person)


def circle_by_id(*, circle_id: int, user: AnyUser) -> Circle:
    """A circle the person may enter, by id; NotFound when missing or closed to them."""
    circle = Circle.objects.select_related("community").filter(pk=circle_id).first()
    if circle is None or not can_enter(circle=circle, user=user):
        raise NotFound(f"no circle {circle_id}", field="id")
    return circle


# Carrying content beyond its circle ------------------------------------------------------


def may_leave_circle(thread: Thread) -> bool:
    """Whether what a thread says may be carried into material the whole community (or the
    world) reads, such as a practice card or a publication.

    Threads outside circles and in open circles may; a circle under the Chatham House rule
    lets its words travel (never its names), unless it is confidential. Everything else
    said in a circle stays in it.
    """
    circle = thread.circle if thread.circle_id is not None else None
    if circle is None or circle.tier == CircleTier.OPEN:
        return True
    return circle.chatham_house and circle.tier != CircleTier.CONFIDENTIAL


def require_may_leave_circle(thread: Thread) -> None:
    if not may_leave_circle(thread):
        assert thread.circle is not None
        raise NotAllowed(f"what is said in the circle {thread.circle.name} stays in it")
