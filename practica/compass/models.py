"""What the compass keeps: each community's settings, its snapshots, its monthly rows and
the watermark that says how far into the ledger they reach."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from practica.communities.models import Community

DEFAULT_UNANSWERED_DAYS = 7


class CompassSettings(models.Model):
    """What the stewards of a community share from their compass."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="compass_settings"
    )
    members_see_aggregate = models.BooleanField(
        default=False,
        help_text="Members see the stage, archetypes, figures and charts (no names).",
    )
    members_see_people = models.BooleanField(
        default=False,
        help_text="Members also see person-level detail: the network map, brokers, next steps.",
    )
    unanswered_days = models.PositiveSmallIntegerField(
        default=DEFAULT_UNANSWERED_DAYS,
        help_text="An ask with no reply from anyone else after this many days is a next step.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "compass settings"

    def __str__(self) -> str:
        return f"Compass settings of {self.community}"


class CompassState(models.Model):
    """The watermark: how much of the community's history the stored months include.

    Threads, replies and ledger events only get new, larger ids, so the largest
    id of each (and the counts, which drop only when something is deleted) tell
    what is new since the last run and from which month on it can change rows.
    """

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="compass_state"
    )
    last_event_id = models.BigIntegerField(default=0)
    last_event_at = models.DateTimeField(null=True, blank=True)
    last_thread_id = models.BigIntegerField(default=0)
    last_reply_id = models.BigIntegerField(default=0)
    thread_count = models.BigIntegerField(default=0)
    reply_count = models.BigIntegerField(default=0)
    #: Digest of the other apps' compass signals (see ``practica.compass.watermark``).
    signals = models.CharField(max_length=64, blank=True, default="")
    #: The community's ``CompassClock`` token when the months were computed.
    clock = models.BigIntegerField(default=0)
    #: The rules (and result format) the stored months were computed under.
    fingerprint = models.CharField(max_length=40, blank=True, default="")
    updated_at = models.DateTimeField(default=timezone.now)
    #: How far the stored rows (``CompassRows``) reach: the clock token they were read at,
    #: the largest id read from each table, and a digest of the confidential threads and the
    #: system accounts then.
    #: ``rows_format`` 0: no rows are stored.
    rows_format = models.IntegerField(default=0)
    rows_clock = models.BigIntegerField(default=0)
    rows_thread_id = models.BigIntegerField(default=0)
    rows_reply_id = models.BigIntegerField(default=0)
    rows_event_id = models.BigIntegerField(default=0)
    rows_tag_id = models.BigIntegerField(default=0)
    rows_digest = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return f"Compass watermark of {self.community}: event {self.last_event_id}"


class CompassMonth(models.Model):
    """One calendar month's row of the series (see ``analysis.series.COLUMNS``)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="compass_months"
    )
    month = models.CharField(max_length=7, help_text="YYYY-MM (UTC)")
    row = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["community", "month"]
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="compass_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.month}"


class CompassSnapshot(models.Model):
    """One complete compass for a window, written in one transaction after it was computed."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="compass_snapshots"
    )
    since = models.DateTimeField(null=True, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)
    duration_seconds = models.FloatField(default=0.0)
    seed = models.IntegerField(default=0)
    stage = models.CharField(max_length=32)
    # The watermark the snapshot was computed at (a copy of CompassState's fields).
    last_event_id = models.BigIntegerField(default=0)
    last_event_at = models.DateTimeField(null=True, blank=True)
    last_thread_id = models.BigIntegerField(default=0)
    last_reply_id = models.BigIntegerField(default=0)
    thread_count = models.BigIntegerField(default=0)
    reply_count = models.BigIntegerField(default=0)
    signals = models.CharField(max_length=64, blank=True, default="")
    clock = models.BigIntegerField(default=0)
    result = models.JSONField()

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["community", "since", "until", "-computed_at"])]

    def __str__(self) -> str:
        return f"Compass of {self.community} at {self.computed_at:%Y-%m-%d %H:%M}"


class CompassClock(models.Model):
    """A token that database triggers change whenever a row the compass has read changes
    other than by being appended: an edit of a column it reads, moderation hiding or
    restoring, a deletion (see ``practica.compass.clock``). Stored rows read under
    another token are not reused."""

    community_id = models.BigIntegerField(unique=True)
    token = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Compass clock of community {self.community_id}: {self.token}"


class CompassRows(models.Model):
    """A part of the rows last read for a community's compass (``practica.compass.rows``):
    threads, replies, ledger events and tags as integer arrays, each part holding the rows
    appended since the one before. Written in the transaction that stores the snapshot."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    part = models.IntegerField()
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "part"], name="compass_rows_unique")
        ]

    def __str__(self) -> str:
        return f"Compass rows of {self.community}, part {self.part}"
