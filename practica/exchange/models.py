"""Knowledge exchange: threads of every kind, replies, tags, links and acknowledgements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from practica.communities.models import (
    CLOSED_TIERS,
    Circle,
    CircleMembership,
    CircleTier,
    Community,
    Membership,
    MembershipStatus,
    Role,
)
from practica.core.models import Provenance

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from practica.accounts.models import User


class ThreadKind(models.TextChoices):
    QUESTION = "question", "Question"
    ASK = "ask", "Ask for help"
    OFFER = "offer", "Offer"
    STORY = "story", "Story"
    DISCUSSION = "discussion", "Discussion"


#: Kinds whose asker can accept a reply that resolved them.
RESOLVABLE_KINDS = frozenset({ThreadKind.QUESTION, ThreadKind.ASK})


class ReplyKind(models.TextChoices):
    ANSWER = "answer", "Answer"
    COMMENT = "comment", "Comment"


class LinkKind(models.TextChoices):
    DUPLICATE = "duplicate", "Duplicate"
    RELATED = "related", "Related"


class Tag(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=64)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="tag_unique")]

    def __str__(self) -> str:
        return self.name


class ThreadQuerySet(models.QuerySet["Thread"]):
    def visible_to(self, user: User | AnonymousUser | None) -> ThreadQuerySet:
        """The one funnel for reading threads, on every channel.

        A thread is readable when its community is, and its circle (if any)
        lets the person in: open circles follow the community, members'
        circles need an active membership, private and confidential circles
        need the circle's own membership (stewards included: being a steward
        of the community is no key to a closed circle). A thread hidden by
        moderation (``hidden_at``) stays readable only to its author and the
        community's stewards.
        """
        readable = self.filter(community__in=Community.objects.readable_by(user).values("pk"))
        if user is not None and user.is_authenticated and user.is_superuser:
            return readable
        allowed = Q(circle__isnull=True) | Q(circle__tier=CircleTier.OPEN)
        if user is not None and user.is_authenticated:
            member_of = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
                "community_id"
            )
            in_circles = CircleMembership.objects.filter(user=user).values("circle_id")
            allowed |= Q(circle__tier=CircleTier.MEMBERS, community__in=member_of)
            # A closed circle's members read it while they belong to the community.
            allowed |= Q(
                circle__tier__in=CLOSED_TIERS, circle__in=in_circles, community__in=member_of
            )
        return readable.filter(allowed).filter(shown_to(user, community="community"))

    def with_resolution(self) -> ThreadQuerySet:
        """Annotate ``answer_shown`` for lists: the thread has an accepted answer and that
        answer is not hidden by moderation (``Thread.is_resolved`` reads it).

        A subquery on the answer's primary key, asked for the rows shown only: a join
        would stay in the list's count and make it read every thread's row.
        """
        shown = Reply.objects.filter(pk=models.OuterRef("accepted_reply_id"), hidden_at=None)
        return self.annotate(answer_shown=models.Exists(shown))


def shown_to(user: User | AnonymousUser | None, *, community: str) -> Q:
    """Not hidden by moderation, or hidden but the person wrote it or stewards ``community``."""
    shown = Q(hidden_at__isnull=True)
    if user is not None and user.is_authenticated:
        if user.is_superuser:
            return Q()
        stewards_of = Membership.objects.filter(
            user=user, status=MembershipStatus.ACTIVE, role=Role.STEWARD
        ).values("community_id")
        shown |= Q(author=user) | Q(**{f"{community}__in": stewards_of})
    return shown


class ReplyQuerySet(models.QuerySet["Reply"]):
    def visible_to(self, user: User | AnonymousUser | None) -> ReplyQuerySet:
        """Replies of threads the person may read, less those hidden from them."""
        threads = Thread.objects.visible_to(user).values("pk")
        return self.filter(thread__in=threads).filter(shown_to(user, community="thread__community"))

    def hidden_from(self, user: User | AnonymousUser | None) -> ReplyQuerySet:
        """Replies hidden by moderation that this person may not see (search filters these)."""
        shown = shown_to(user, community="thread__community")
        if not shown:  # an empty Q: this person sees everything
            return self.none()
        return self.filter(hidden_at__isnull=False).exclude(shown)


class Thread(Provenance):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="threads")
    #: RESTRICT: deleting a community takes its circles and threads together, but a circle
    #: alone cannot be deleted while it holds threads (``circles.circle_delete`` says so).
    circle = models.ForeignKey(
        Circle, null=True, blank=True, on_delete=models.RESTRICT, related_name="threads"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="threads",
    )
    kind = models.CharField(max_length=16, choices=ThreadKind.choices, default=ThreadKind.QUESTION)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    # A story's parts; other kinds leave them empty.
    context = models.TextField(blank=True)
    what_happened = models.TextField(blank=True)
    learned = models.TextField("what we learned", blank=True)
    differently = models.TextField("what we would do differently", blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="threads")
    accepted_reply = models.ForeignKey(
        "Reply", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.IntegerField(default=0)
    view_count = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    #: Set when moderation hides the thread (see practica.trust); None when shown.
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            # The lists, newest activity first, a page at a time (the id breaks ties).
            models.Index(fields=["community", "-last_activity_at", "-id"], name="thread_active"),
            # Feeds, newest first.
            models.Index(fields=["community", "-created_at", "-id"], name="thread_created"),
            # Holds every column the funnel and the list's filters ask of a thread:
            # counting what a person may read in a large community (of a kind, still
            # open) reads this index alone, not the threads.
            models.Index(
                fields=["community", "kind", "circle", "hidden_at", "author", "accepted_reply"],
                name="thread_funnel",
            ),
            # The threads in circles (a circle's list; what not everyone reads).
            models.Index(
                fields=["community", "circle"],
                condition=Q(circle__isnull=False),
                name="thread_in_circle",
            ),
            # The few threads hidden by moderation.
            models.Index(
                fields=["community", "hidden_at"],
                condition=Q(hidden_at__isnull=False),
                name="thread_hidden",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "source", "source_id"],
                condition=~Q(source=""),
                name="thread_unique_source_id",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_resolvable(self) -> bool:
        return self.kind in RESOLVABLE_KINDS

    @property
    def is_resolved(self) -> bool:
        """Resolved: an answer was accepted and it is not hidden by moderation.

        An accepted answer that stewards hid does not resolve the thread for anyone: pages,
        lists, search and the API all show it open (stewards, and the answer's author, who
        can still read the hidden answer, see it marked as hidden on the thread page). Lists
        annotate ``answer_shown`` (``with_resolution``); otherwise this asks once.
        """
        if self.accepted_reply_id is None:
            return False
        shown = getattr(self, "answer_shown", None)
        if shown is not None:
            return bool(shown)
        return Reply.objects.filter(pk=self.accepted_reply_id, hidden_at__isnull=True).exists()

    @property
    def story_parts(self) -> list[tuple[str, str]]:
        parts = [
            ("Context", self.context),
            ("What happened", self.what_happened),
            ("What we learned", self.learned),
            ("What we would do differently", self.differently),
        ]
        return [(label, text) for label, text in parts if text]


class Reply(Provenance):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    kind = models.CharField(max_length=16, choices=ReplyKind.choices, default=ReplyKind.ANSWER)
    body = models.TextField()
    score = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    #: Set when moderation hides the reply (see practica.trust); None when shown.
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "replies"
        indexes = [
            # The few replies hidden by moderation.
            models.Index(
                fields=["hidden_at"], condition=Q(hidden_at__isnull=False), name="reply_hidden"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "source", "source_id"],
                condition=~Q(source=""),
                name="reply_unique_source_id",
            )
        ]

    def __str__(self) -> str:
        return f"Reply {self.pk} to {self.thread_id}"

    @property
    def is_accepted(self) -> bool:
        return self.thread.accepted_reply_id == self.pk


#: Threads open to readers: no accepted answer, or one that moderation hid. The hidden
#: answers are few and read through their own index (``reply_hidden``): joining every
#: thread's answer read every thread's row to count the open ones.
UNRESOLVED = Q(accepted_reply__isnull=True) | Q(
    accepted_reply__in=Reply.objects.filter(hidden_at__isnull=False).values("pk")
)


class Revision(models.Model):
    """The edit history: what a thread or reply said before each edit."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="revisions")
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField(help_text="The fields as they were before the edit.")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class ThreadLink(Provenance):
    from_thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="links_out")
    to_thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=16, choices=LinkKind.choices, default=LinkKind.RELATED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_thread", "to_thread", "kind"], name="threadlink_unique"
            )
        ]


class Acknowledgement(models.Model):
    """ "This helped me": ``person`` says a reply or a story helped them."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acknowledgements_given"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="acknowledgements")
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "reply"],
                condition=Q(reply__isnull=False),
                name="ack_unique_reply",
            ),
            models.UniqueConstraint(
                fields=["person", "thread"],
                condition=Q(reply__isnull=True),
                name="ack_unique_story",
            ),
        ]
