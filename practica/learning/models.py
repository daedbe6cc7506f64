"""Collaborative learning: experiments in cycles, the practices library, the learning agenda."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from practica.communities.models import Community
from practica.exchange.models import Thread


class ExperimentStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    RUNNING = "running", "Running"
    REFLECTING = "reflecting", "Reflecting"
    CONCLUDED = "concluded", "Concluded"


class Decision(models.TextChoices):
    ADOPT = "adopt", "Adopt"
    ADAPT = "adapt", "Adapt"
    ABANDON = "abandon", "Abandon"
    ITERATE = "iterate", "Iterate"


class Better(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Maturity(models.TextChoices):
    EMERGING = "emerging", "Emerging"
    TESTED = "tested", "Tested"
    ESTABLISHED = "established", "Established"


class AgendaStatus(models.TextChoices):
    OPEN = "open", "Open"
    BEING_EXPLORED = "being_explored", "Being explored"
    LEARNED_SOMETHING = "learned_something", "Learned something"
    ANSWERED = "answered", "Answered"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CHALLENGES = "challenges", "Challenges"


class Practice(models.Model):
    """A card in the community's shared repertoire. Its text lives in versions."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="practices")
    name = models.CharField(max_length=200)
    maturity = models.CharField(max_length=16, choices=Maturity.choices, default=Maturity.EMERGING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_draft = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def current(self) -> PracticeVersion | None:
        return self.versions.order_by("-number").first()


class PracticeVersion(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    summary = models.TextField()
    when_to_use = models.TextField(blank=True)
    how = models.TextField("how (steps)", blank=True)
    watch_for = models.TextField("what to watch for", blank=True)
    change_note = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["practice", "number"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="practice_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.practice} v{self.number}"


class Experiment(models.Model):
    """A safe-to-fail probe that several members try in their own contexts, in cycles."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="experiments")
    title = models.CharField(max_length=200)
    question = models.TextField()
    hypothesis = models.TextField()
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.SET_NULL, related_name="experiments"
    )
    status = models.CharField(
        max_length=16, choices=ExperimentStatus.choices, default=ExperimentStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    inspired_by = models.ManyToManyField(Thread, blank=True, related_name="experiments")
    created_at = models.DateTimeField(default=timezone.now)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=100)
    unit = models.CharField(max_length=40, blank=True)
    better = models.CharField(max_length=8, choices=Better.choices, default=Better.HIGHER)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "name"], name="measure_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Cycle(models.Model):
    """One turn: plan, observations, reflection, decision."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveIntegerField()
    plan = models.TextField(blank=True)
    checkin_every_days = models.PositiveIntegerField(default=7)
    started_at = models.DateTimeField(default=timezone.now)
    learned = models.TextField(blank=True)
    differences = models.TextField("what differed across contexts", blank=True)
    reflected_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    decision_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["experiment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "number"], name="cycle_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.experiment} cycle {self.number}"

    @property
    def is_closed(self) -> bool:
        return bool(self.decision)


class Participant(models.Model):
    experiment = models.ForeignKey(
        Experiment, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="experiment_roles"
    )
    organisation = models.CharField(max_length=200, blank=True)
    setting = models.CharField(max_length=200, blank=True)
    scale = models.CharField(max_length=100, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["experiment", "person"], name="participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.experiment}"


class Observation(models.Model):
    """A participant's check-in."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="observations")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="observations"
    )
    what_we_did = models.TextField()
    what_happened = models.TextField()
    surprises = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Observation {self.pk} by {self.participant.person}"


class MeasureValue(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="values")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["observation", "measure"], name="measure_value_unique")
        ]


class Feedback(models.Model):
    """Another member's reply to an observation."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class Evidence(models.Model):
    """A link from a practice version to an experiment, story or thread behind it."""

    version = models.ForeignKey(PracticeVersion, on_delete=models.CASCADE, related_name="evidence")
    experiment = models.ForeignKey(
        Experiment, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    stance = models.CharField(max_length=12, choices=Stance.choices, default=Stance.SUPPORTS)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(experiment__isnull=False) | models.Q(thread__isnull=False),
                name="evidence_has_a_source",
            )
        ]


class AgendaItem(models.Model):
    """An open question on the community's learning agenda."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="learning_agenda"
    )
    question = models.TextField()
    status = models.CharField(
        max_length=20, choices=AgendaStatus.choices, default=AgendaStatus.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    experiments = models.ManyToManyField(Experiment, blank=True, related_name="agenda_items")
    threads = models.ManyToManyField(Thread, blank=True, related_name="agenda_items")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.question[:80]
