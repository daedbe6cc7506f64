"""Trust and safety: earned levels, flags, suspensions, the stewards' audit log, sign-ins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from practica.communities.models import Community
from practica.trust.rules import LEVEL_CHOICES, Level


class TrustLevel(models.Model):
    """A person's level in one community, as last computed, and a steward's override."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trust_levels"
    )
    level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES, default=Level.NEWCOMER)
    computed_at = models.DateTimeField(default=timezone.now)
    figures = models.JSONField(default=dict, help_text="The figures the level was computed from.")
    override_level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES, null=True, blank=True)
    override_note = models.CharField(max_length=500, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "person"], name="trust_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.community_id}: {self.effective.label}"

    @property
    def effective(self) -> Level:
        return Level(self.level if self.override_level is None else self.override_level)


class FlagReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    OFF_TOPIC = "off_topic", "Off-topic"
    HARASSMENT = "harassment", "Harassment or abuse"
    OTHER = "other", "Something else (say what)"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Waiting for a steward"
    UPHELD = "upheld", "Upheld"
    DISMISSED = "dismissed", "Dismissed"


class Flag(models.Model):
    """A member tells the stewards that a thread or reply needs their attention."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    thread = models.ForeignKey("exchange.Thread", on_delete=models.CASCADE, related_name="+")
    reply = models.ForeignKey(
        "exchange.Reply", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    #: Whose words were flagged, kept here so upheld flags count against them.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=FlagReason.choices)
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["community", "status"]),
            models.Index(fields=["author", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "reply"],
                condition=Q(reply__isnull=False),
                name="flag_unique_reply",
            ),
            models.UniqueConstraint(
                fields=["reporter", "thread"],
                condition=Q(reply__isnull=True),
                name="flag_unique_thread",
            ),
        ]

    def __str__(self) -> str:
        what = f"reply {self.reply_id}" if self.reply_id else f"thread {self.thread_id}"
        return f"{self.reason} flag on {what}"


class SuspensionQuerySet(models.QuerySet["Suspension"]):
    def active(self, at: Any = None) -> SuspensionQuerySet:
        now = at or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


class Suspension(models.Model):
    """A person may not take part in a community (or, with no community, on the whole site)."""

    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    note = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: None: until a steward lifts it.
    ends_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "lifted_at"])]

    def __str__(self) -> str:
        where = f"community {self.community_id}" if self.community_id else "the whole site"
        return f"{self.person_id} suspended from {where}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > timezone.now())


class AuditAction(models.TextChoices):
    HIDE = "hide", "hid"
    AUTO_HIDE = "auto_hide", "hid by spam flags"
    RESTORE = "restore", "restored"
    UPHOLD = "uphold", "upheld the flags on"
    DISMISS = "dismiss", "dismissed the flags on"
    EDIT = "edit", "edited"
    SUSPEND = "suspend", "suspended"
    LIFT = "lift", "lifted the suspension of"
    OVERRIDE = "override", "set the trust level of"
    CLEAR_OVERRIDE = "clear_override", "cleared the trust level override of"
    APPROVE = "approve", "approved the request to join of"
    REJECT = "reject", "turned down the request to join of"
    ROLE = "role", "changed the role of"
    REMOVE = "remove", "removed the member"
    AGREEMENT = "agreement", "published the agreements,"
    COMMUNITY_UPDATE = "community_update", "changed the community's card:"
    CIRCLE_CREATE = "circle_create", "opened the circle"
    CIRCLE_INVITE = "circle_invite", "invited into the circle"
    CIRCLE_REMOVE = "circle_remove", "removed from the circle"
    CIRCLE_DELETE = "circle_delete", "deleted the circle"


class AuditError(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


class AuditEntry(models.Model):
    """One thing a steward (or the spam rule) did. Rows are only ever inserted."""

    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    target_type = models.CharField(max_length=24)
    target_id = models.BigIntegerField(null=True, blank=True)
    #: What the target was called at the time (a thread's title, a username).
    target_label = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    #: The circle the action was about, if any.
    circle = models.ForeignKey(
        "communities.Circle", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: About a private or confidential circle: only that circle's own members read the entry
    #: (stewards outside it do not), and nobody once the circle is gone (administrators do).
    sealed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.target_type} {self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AuditError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditError("audit entries are append-only")


class SignIn(models.Model):
    """A session someone opened by logging in, so they can see and end their sessions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_ins"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
