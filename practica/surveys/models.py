"""Pulse surveys a steward runs in a community, and each person's one response.

A response belongs to its person so that they can change it until the survey
closes, and download it with their data; nobody else ever reads it one by one
(see ``aggregates``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from practica.communities.models import Community


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft: not yet open"
    OPEN = "open", "Open for answers"
    CLOSED = "closed", "Closed"


class Survey(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Why the stewards ask, shown above the items.")
    #: Keys of ``instruments.SCALES``, in the order they are asked.
    scales = models.JSONField(default=list)
    ask_story = models.BooleanField(default=False)
    status = models.CharField(
        max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == SurveyStatus.OPEN


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    #: Item key to answer, 1 (strongly disagree) to 7 (strongly agree).
    answers = models.JSONField(default=dict)
    story = models.TextField(blank=True)
    share_story = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="survey_response_unique")
        ]
