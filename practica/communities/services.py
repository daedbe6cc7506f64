"""Writes about communities: creating, changing, joining, stewarding."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from practica.accounts.models import User
from practica.communities.models import (
    Aspiration,
    Community,
    Membership,
    MembershipStatus,
    Role,
    Visibility,
)
from practica.communities.selectors import is_steward
from practica.core.errors import Conflict, InvalidInput, NotAllowed

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
RESERVED_SLUGS = frozenset({"new", "api", "admin", "static", "media", "accounts"})
EDITABLE_FIELDS = ("name", "domain", "purpose", "aspiration", "visibility")


def _check_fields(*, name: str, aspiration: str, visibility: str) -> None:
    if not name.strip():
        raise InvalidInput("a community needs a name", field="name")
    if len(name) > 200:
        raise InvalidInput("a name has at most 200 characters", field="name")
    if aspiration not in Aspiration.values:
        raise InvalidInput(
            f"aspiration must be one of {', '.join(Aspiration.values)}", field="aspiration"
        )
    if visibility not in Visibility.values:
        raise InvalidInput(
            f"visibility must be one of {', '.join(Visibility.values)}", field="visibility"
        )


def community_create(
    *,
    creator: User,
    name: str,
    slug: str,
    domain: str = "",
    purpose: str = "",
    aspiration: str = Aspiration.KNOWLEDGE_WEAVING,
    visibility: str = Visibility.PUBLIC,
) -> Community:
    """Create a community; its creator becomes its first steward."""
    _check_fields(name=name, aspiration=aspiration, visibility=visibility)
    if not SLUG_RE.match(slug or ""):
        raise InvalidInput(
            "a slug is lower-case letters, digits and hyphens (1 to 100), not starting or "
            "ending with a hyphen",
            field="slug",
        )
    if slug in RESERVED_SLUGS:
        raise InvalidInput(f"the slug {slug!r} is reserved", field="slug")
    try:
        with transaction.atomic():
            community = Community.objects.create(
                name=name.strip(),
                slug=slug,
                domain=domain.strip(),
                purpose=purpose.strip(),
                aspiration=aspiration,
                visibility=visibility,
                created_by=creator,
            )
            Membership.objects.create(community=community, user=creator, role=Role.STEWARD)
    except IntegrityError as exc:
        raise Conflict(f"the slug {slug!r} is taken", field="slug") from exc
    return community


def community_update(*, community: Community, actor: User, **fields: str) -> Community:
    """Stewards change a community's card; the aspiration can change as it grows."""
    if not is_steward(community=community, user=actor):
        raise NotAllowed("only a steward can change the community")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    merged = {name: fields.get(name, getattr(community, name)) for name in EDITABLE_FIELDS}
    _check_fields(
        name=merged["name"], aspiration=merged["aspiration"], visibility=merged["visibility"]
    )
    changed = [n for n, v in fields.items() if v != getattr(community, n)]
    for name, value in fields.items():
        setattr(community, name, value.strip() if name in {"name", "domain"} else value)
    with transaction.atomic():
        community.save(update_fields=list(fields))
        if changed:
            from practica.trust.audit import audit_record

            audit_record(
                community=community,
                actor=actor,
                action="community_update",
                target_type="community",
                target_id=community.pk,
                target_label=", ".join(sorted(changed)),
            )
    return community


def community_join(
    *, community: Community, user: User, accept_agreement: int | None = None
) -> Membership:
    """Join a public community at once; ask to join a members-only one (a steward approves).

    When the community has agreements, joining means accepting their current
    version: ``accept_agreement`` must name it. Joining twice is harmless: the
    existing membership comes back.
    """
    from practica.communities.circles import agreement_accept, agreement_pending
    from practica.trust.capabilities import trust_require

    trust_require(user, "join", community)
    pending = agreement_pending(community=community, person=user)
    if pending is not None:
        if accept_agreement != pending.version:
            raise InvalidInput(
                f"joining {community.name} means accepting its agreements "
                f"(version {pending.version})",
                field="accept_agreement",
            )
        agreement_accept(agreement=pending, person=user)
    status = (
        MembershipStatus.ACTIVE
        if community.visibility == Visibility.PUBLIC
        else MembershipStatus.PENDING
    )
    membership, _ = Membership.objects.get_or_create(
        community=community, user=user, defaults={"role": Role.MEMBER, "status": status}
    )
    return membership


def community_leave(*, community: Community, user: User) -> None:
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is None:
        return
    if membership.role == Role.STEWARD:
        stewards = Membership.objects.filter(
            community=community, role=Role.STEWARD, status=MembershipStatus.ACTIVE
        ).count()
        if stewards <= 1:
            raise NotAllowed("the last steward cannot leave; name another steward first")
    membership.delete()


def _audit(*, community: Community, actor: User, action: str, person: User, note: str = "") -> None:
    """Stewarding actions go to the community's audit log (``practica.trust``)."""
    from practica.trust.audit import audit_record

    audit_record(
        community=community,
        actor=actor,
        action=action,
        target_type="person",
        target_id=person.pk,
        target_label=person.username,
        note=note,
    )


@transaction.atomic
def membership_approve(*, community: Community, actor: User, user: User) -> Membership:
    if not is_steward(community=community, user=actor):
        raise NotAllowed("only a steward can approve members")
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is None:
        raise InvalidInput(f"{user.username} has not asked to join", field="user")
    if membership.status != MembershipStatus.ACTIVE:
        membership.status = MembershipStatus.ACTIVE
        membership.save(update_fields=["status"])
        _audit(community=community, actor=actor, action="approve", person=user)
    return membership


@transaction.atomic
def membership_reject(*, community: Community, actor: User, user: User, note: str = "") -> None:
    """A steward turns down a request to join; the person may ask again later."""
    if not is_steward(community=community, user=actor):
        raise NotAllowed("only a steward can turn down requests to join")
    membership = Membership.objects.filter(
        community=community, user=user, status=MembershipStatus.PENDING
    ).first()
    if membership is None:
        raise InvalidInput(f"{user.username} is not waiting to join", field="user")
    membership.delete()
    _audit(community=community, actor=actor, action="reject", person=user, note=note.strip())


def _keeps_a_steward(community: Community, membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            community=community, role=Role.STEWARD, status=MembershipStatus.ACTIVE
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_set_role(*, community: Community, actor: User, user: User, role: str) -> Membership:
    if not is_steward(community=community, user=actor):
        raise NotAllowed("only a steward can change roles")
    if role not in Role.values:
        raise InvalidInput(f"role must be one of {', '.join(Role.values)}", field="role")
    membership = Membership.objects.filter(
        community=community, user=user, status=MembershipStatus.ACTIVE
    ).first()
    if membership is None:
        raise InvalidInput(f"{user.username} is not a member", field="user")
    demoted = membership.role == Role.STEWARD and role != Role.STEWARD
    if demoted and not _keeps_a_steward(community, membership):
        raise NotAllowed("a community keeps at least one steward")
    if membership.role != role:
        before = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        _audit(
            community=community, actor=actor, action="role", person=user, note=f"{before} → {role}"
        )
    return membership


@transaction.atomic
def membership_remove(*, community: Community, actor: User, user: User, note: str = "") -> None:
    """A steward removes someone from the community, with a reason for the audit log.

    They also leave the community's circles, so that joining a public community again
    does not reopen a private circle they were taken out of.
    """
    from practica.communities.circles import _forget_circles
    from practica.communities.models import CircleMembership

    if not is_steward(community=community, user=actor):
        raise NotAllowed("only a steward can remove members")
    note = note.strip()
    if not note:
        raise InvalidInput("say why, for the audit log", field="note")
    if len(note) > 500:
        raise InvalidInput("a note has at most 500 characters", field="note")
    if user.pk == actor.pk:
        raise InvalidInput("to go yourself, leave the community", field="user")
    membership = Membership.objects.filter(
        community=community, user=user, status=MembershipStatus.ACTIVE
    ).first()
    if membership is None:
        raise InvalidInput(f"{user.username} is not a member", field="user")
    if membership.role == Role.STEWARD and not _keeps_a_steward(community, membership):
        raise NotAllowed("a community keeps at least one steward")
    membership.delete()
    CircleMembership.objects.filter(circle__community=community, user=user).delete()
    _forget_circles(user)
    _audit(community=community, actor=actor, action="remove", person=user, note=note)
