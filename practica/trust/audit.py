"""The stewards' audit log: one append-only entry per moderation or stewarding action."""

from __future__ import annotations

from practica.accounts.models import User
from practica.communities.models import CLOSED_TIERS, Circle, Community
from practica.trust.models import AuditEntry


def audit_record(
    *,
    community: Community | None,
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int | None,
    target_label: str = "",
    note: str = "",
    circle: Circle | None = None,
) -> AuditEntry:
    """Write one entry; ``actor`` is None when a rule acted (spam flags hiding a post).

    An entry about a private or confidential ``circle`` is sealed: only the circle's own
    members read it, as only they may know who is in it (see ``audit_list``).
    """
    return AuditEntry.objects.create(
        community=community,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label[:300],
        note=note,
        circle=circle,
        sealed=circle is not None and circle.tier in CLOSED_TIERS,
    )
