"""People and their personal access tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from practica.core.models import Provenance


class User(AbstractUser, Provenance):
    """A person. Profile fields live here: one row per person, no joins.

    ``is_system`` marks accounts that act for a platform (Stack Exchange's
    Community user, bots); the compass leaves them out of the reply graph.
    """

    display_name = models.CharField(max_length=150, blank=True)
    bio = models.TextField(blank=True)
    interests = models.CharField(max_length=500, blank=True, help_text="Comma-separated topics.")
    offers = models.TextField("what I can offer", blank=True)
    learning = models.TextField("what I am learning", blank=True)
    # Perspectives: used for the diversity of voices in a thread.
    sector = models.CharField(max_length=100, blank=True)
    discipline = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    role_in_practice = models.CharField("role", max_length=100, blank=True)
    location = models.CharField(max_length=200, blank=True)
    website = models.URLField(max_length=500, blank=True)
    is_system = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source=""),
                name="user_unique_source_id",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def perspectives(self) -> dict[str, str]:
        return {
            "sector": self.sector,
            "discipline": self.discipline,
            "region": self.region,
            "role": self.role_in_practice,
        }

    def interest_list(self) -> list[str]:
        return [part.strip() for part in self.interests.split(",") if part.strip()]


class AccessToken(models.Model):
    """A personal access token for the API. Only a hash of the secret is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
