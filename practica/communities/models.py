"""Communities of practice and who belongs to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from practica.core.models import Provenance

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from practica.accounts.models import User


class Aspiration(models.TextChoices):
    KNOWLEDGE_WEAVING = "knowledge_weaving", "Knowledge weaving"
    COLLABORATIVE_LEARNING = "collaborative_learning", "Collaborative learning"
    SYSTEMS_OF_INFLUENCE = "systems_of_influence", "Systems of influence"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone can read"
    MEMBERS = "members", "Members only"


class Role(models.TextChoices):
    STEWARD = "steward", "Steward"
    MEMBER = "member", "Member"


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PENDING = "pending", "Waiting for a steward"


class CommunityQuerySet(models.QuerySet["Community"]):
    def visible_to(self, user: User | AnonymousUser | None) -> CommunityQuerySet:
        """Communities whose card (name, domain, purpose) a person may see.

        Every community can be found, so that people can ask to join a
        members-only one; what is said inside is guarded by ``readable_by``.
        """
        return self.all()

    def readable_by(self, user: User | AnonymousUser | None) -> CommunityQuerySet:
        """The one funnel for community content: public ones, and those the person belongs to."""
        if user is None or not user.is_authenticated:
            return self.filter(visibility=Visibility.PUBLIC)
        if user.is_superuser:
            return self.all()
        member_of = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
            "community_id"
        )
        return self.filter(Q(visibility=Visibility.PUBLIC) | Q(pk__in=member_of))


class Community(Provenance):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    domain = models.CharField(max_length=200, blank=True, help_text="What the practice is.")
    purpose = models.TextField(blank=True)
    aspiration = models.CharField(
        max_length=32, choices=Aspiration.choices, default=Aspiration.KNOWLEDGE_WEAVING
    )
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    source_url = models.URLField(blank=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_unique")
        ]
        indexes = [models.Index(fields=["user", "community"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.community} ({self.role})"


class CircleTier(models.TextChoices):
    OPEN = "open", "Open: anyone who can see the community"
    MEMBERS = "members", "Members: the community's members"
    PRIVATE = "private", "Private: by invitation"
    CONFIDENTIAL = "confidential", "Confidential: private, and kept out of exports and analytics"


#: Tiers whose content only the circle's own members may read.
CLOSED_TIERS = frozenset({CircleTier.PRIVATE, CircleTier.CONFIDENTIAL})


class Circle(models.Model):
    """A space inside a community that holds people safely, with its own privacy tier."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="circles")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    tier = models.CharField(max_length=16, choices=CircleTier.choices, default=CircleTier.MEMBERS)
    chatham_house = models.BooleanField(
        default=False,
        help_text="What is said may be used outside the circle, without attribution.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="circle_unique_slug")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_tier_display()})"

    @property
    def is_closed(self) -> bool:
        return self.tier in CLOSED_TIERS


class CircleMembership(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_memberships"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["circle", "user"], name="circle_membership_unique")
        ]


class Agreement(models.Model):
    """One version of a community's (or a circle's) agreements: norms, code of conduct."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="agreements")
    circle = models.ForeignKey(
        Circle, null=True, blank=True, on_delete=models.CASCADE, related_name="agreements"
    )
    version = models.PositiveIntegerField()
    body = models.TextField()
    change_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["community", "circle", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "version"],
                condition=Q(circle__isnull=True),
                name="agreement_unique_version",
            ),
            models.UniqueConstraint(
                fields=["circle", "version"],
                condition=Q(circle__isnull=False),
                name="circle_agreement_unique_version",
            ),
        ]

    def __str__(self) -> str:
        where = self.circle.name if self.circle else self.community.name
        return f"Agreement of {where}, version {self.version}"


class AgreementAcceptance(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="acceptances")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agreement_acceptances"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "person"], name="acceptance_unique")
        ]
