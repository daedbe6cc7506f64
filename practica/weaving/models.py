"""Notifications (generic, reused by other apps) and introductions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from practica.communities.models import Community


class NotificationKind(models.TextChoices):
    INVITATION = "invitation", "Invitation to answer"
    INTRODUCTION = "introduction", "Introduction"
    REMINDER = "reminder", "Reminder"
    NOTICE = "notice", "Notice"


class Notification(models.Model):
    """Something a person should know about, with a link to act on it.

    Kept generic on purpose: any app creates one with
    ``practica.weaving.services.notification_create``; ``kind`` is free text
    (the choices are the common ones) so a new feature needs no migration.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=32, default=NotificationKind.NOTICE)
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # What the notification is about, when it names a thread or a circle: it is shown only
    # while its recipient may still read that (``selectors.notifications_for``).
    thread = models.ForeignKey(
        "exchange.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    circle = models.ForeignKey(
        "communities.Circle", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Lets a feature send the same notification at most once (e.g. one invitation).
    key = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.text[:40]}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Introduction(models.Model):
    """A member connected two others with a note. Both were notified."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="introductions")
    introducer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    person_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.introducer_id} introduced {self.person_a_id} and {self.person_b_id}"


class VisibilityClock(models.Model):
    """A token per community that changes whenever who may read its content changes.

    Written only by database triggers (``practica/weaving/visibility.py``): a thread
    moved between circles, hidden or shown, deleted; a reply hidden or shown; a
    circle's tier or rule changed; the community's visibility changed. Weaving
    keeps what it derived from the funnel while the token is unchanged. A plain
    id, not a foreign key: a trigger may write while the community is deleted.
    """

    community_id = models.BigIntegerField(unique=True)
    token = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"visibility of community {self.community_id}: {self.token}"
