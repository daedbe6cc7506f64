"""Writes of knowledge weaving: notifications, invitations to answer, introductions."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from practica.accounts.models import User
from practica.communities.models import Circle, Community
from practica.communities.selectors import is_member
from practica.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from practica.exchange.models import Thread
from practica.ledger.models import Verb
from practica.ledger.services import EventSpec, event_record
from practica.weaving.models import Introduction, Notification, NotificationKind

MAX_NOTE = 2000


def notification_create(
    *,
    recipient: User,
    text: str,
    link: str = "",
    kind: str = NotificationKind.NOTICE,
    community: Community | None = None,
    actor: User | None = None,
    key: str = "",
    thread: Thread | None = None,
    circle: Circle | None = None,
) -> Notification | None:
    """Tell a person something. With a ``key``, the same notification is sent at most once
    (``None`` comes back when it already was). A notification naming a thread or a circle
    says so (``thread``, ``circle``): it is shown only while its recipient may read that."""
    if not text.strip():
        raise InvalidInput("a notification needs a text", field="text")
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=recipient,
                text=text.strip()[:500],
                link=link,
                kind=kind,
                community=community,
                actor=actor,
                key=key,
                thread=thread,
                circle=circle,
            )
    except IntegrityError:
        if key and Notification.objects.filter(recipient=recipient, key=key).exists():
            return None
        raise


def notification_mark_read(*, notification_id: int, user: User) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise NotFound(f"no notification {notification_id}", field="id")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def invitation_create(*, thread: Thread, inviter: User, invitee: User) -> Notification:
    """Ask someone who knows to answer a question; they get a notification, once."""
    community = thread.community
    if not is_member(community=community, user=inviter):
        raise NotAllowed(f"join {community.name} to invite people to answer")
    if invitee.pk == inviter.pk:
        raise InvalidInput("you cannot invite yourself", field="person")
    if invitee.pk == thread.author_id:
        raise InvalidInput(f"{invitee.name} started this thread", field="person")
    # The invitee must be able to read the thread: an invitation never reveals it.
    if not Thread.objects.visible_to(invitee).filter(pk=thread.pk).exists():
        raise InvalidInput(f"{invitee.name} cannot see this thread", field="person")
    link = reverse("exchange:thread", args=[community.slug, thread.pk])
    sent = notification_create(
        recipient=invitee,
        text=f"{inviter.name} thinks you could answer “{thread.title}”",
        link=link,
        kind=NotificationKind.INVITATION,
        community=community,
        actor=inviter,
        key=f"invite:{thread.pk}",
        thread=thread,
    )
    if sent is None:
        raise Conflict(f"{invitee.name} was already invited to answer this", field="person")
    return sent


@transaction.atomic
def introduction_create(
    *, community: Community, introducer: User, person_a: User, person_b: User, note: str
) -> Introduction:
    """Connect two members with a note: both are told, and the ledger keeps it."""
    if not is_member(community=community, user=introducer):
        raise NotAllowed(f"join {community.name} to introduce people")
    if person_a.pk == person_b.pk:
        raise InvalidInput("introduce two different people", field="person_b")
    if introducer.pk in {person_a.pk, person_b.pk}:
        raise InvalidInput("introduce two other people, not yourself", field="person_a")
    for field, person in (("person_a", person_a), ("person_b", person_b)):
        if not is_member(community=community, user=person):
            raise InvalidInput(f"{person.name} is not a member of {community.name}", field=field)
    note = note.strip()
    if not note:
        raise InvalidInput("say why these two should meet", field="note")
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"a note has at most {MAX_NOTE} characters", field="note")
    intro = Introduction.objects.create(
        community=community, introducer=introducer, person_a=person_a, person_b=person_b, note=note
    )
    for person, other in ((person_a, person_b), (person_b, person_a)):
        event_record(
            EventSpec(
                community_id=community.pk,
                actor_id=introducer.pk,
                target_id=person.pk,
                verb=Verb.INTRODUCED,
                # The object is the other person, so that the pair can be read back
                # from the ledger alone (the compass counts introductions that led somewhere).
                object_type="person",
                object_id=other.pk,
                occurred_at=intro.created_at,
                key=f"intro:{intro.pk}:{person.pk}",
            )
        )
        notification_create(
            recipient=person,
            text=f"{introducer.name} introduced you to {other.name}: {note}",
            link=reverse("weaving:person", args=[community.slug, other.username]),
            kind=NotificationKind.INTRODUCTION,
            community=community,
            actor=introducer,
        )
    return intro
