"""The activity ledger: the single, append-only record of interactions between people."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from practica.communities.models import Community


class Verb(models.TextChoices):
    REPLIED = "replied", "replied to"
    ANSWERED = "answered", "answered"
    COMMENTED = "commented", "commented on"
    ACCEPTED = "accepted", "accepted the answer of"
    ACKNOWLEDGED = "acknowledged", "said they were helped by"
    MENTIONED = "mentioned", "mentioned"
    INTRODUCED = "introduced", "introduced"
    GAVE_FEEDBACK = "gave_feedback", "gave feedback on the observation of"


class LedgerError(RuntimeError):
    """Raised when code tries to change or remove an event already recorded."""


class LedgerEvent(models.Model):
    """One interaction: ``actor`` did ``verb`` towards ``target`` about an object.

    Rows are only ever inserted. The compass reads this table alone, so the
    columns it scans (community, time, actor, target, verb) are plain and indexed.
    ``key`` lets importers and services record an interaction at most once.
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="ledger_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=24, choices=Verb.choices)
    object_type = models.CharField(max_length=24, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    thread_id = models.BigIntegerField(null=True, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(default=timezone.now)
    key = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["community", "occurred_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "key"], condition=~Q(key=""), name="ledger_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} {self.target_id} at {self.occurred_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise LedgerError("ledger events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise LedgerError("ledger events are append-only")
