"""The stewards' audit log: one append-only entry per moderation action."""

from __future__ import annotations

from practica.accounts.models import User
from practica.communities.models import Community
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
) -> AuditEntry:
    """Write one entry; ``actor`` is None when a rule acted (spam flags hiding a post)."""
    return AuditEntry.objects.create(
        community=community,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label[:300],
        note=note,
    )
