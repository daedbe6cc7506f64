"""Seed the demo through the same services people use, then put it on the demo's calendar.

Every thread, reply, acceptance and acknowledgement goes through
``practica.exchange.services``, so memberships, tags, mentions and ledger
events are exactly what real use would produce. The services stamp rows with
the current time; the demo instead spreads its content over eighteen fixed
months. So after each service call we move the rows it wrote, ledger events
included, to the demo's date with ``QuerySet.update``. The ledger's
append-only guard lives in ``LedgerEvent.save``; a one-off update during
seeding, before anyone has read the events, is the one exception we allow,
and it only ever sets ``occurred_at`` to when the interaction happened in the
demo's story (``recorded_at`` keeps the true time of writing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from practica.accounts.models import User
from practica.accounts.services import user_create
from practica.communities.circles import agreement_publish, circle_create, circle_invite
from practica.communities.models import (
    Agreement,
    AgreementAcceptance,
    Circle,
    CircleMembership,
    Community,
    Membership,
)
from practica.communities.services import (
    community_create,
    community_join,
    membership_approve,
    membership_set_role,
)
from practica.core.demo import compost_hubs, urban_growers
from practica.core.demo import learning as more_learning
from practica.core.demo.calendar import Action, on_calendar
from practica.core.demo.learning_seed import LearningSeeder
from practica.core.demo.learning_seed import check as learning_check
from practica.core.demo.model import (
    DEMO_EMAIL_DOMAIN,
    DEMO_END,
    DEMO_PASSWORD,
    DEMO_START,
    Answer,
    DemoCircle,
    DemoCommunity,
    DemoIntroduction,
    DemoThread,
    Person,
)
from practica.core.demo.people import BY_USERNAME, PEOPLE
from practica.core.errors import Conflict
from practica.exchange.models import Acknowledgement, Reply, Thread
from practica.exchange.services import (
    acknowledgement_create,
    reply_accept,
    reply_create,
    thread_create,
)
from practica.ledger.models import LedgerEvent
from practica.trust.levels import trust_recompute
from practica.weaving.models import Introduction
from practica.weaving.services import introduction_create

COMMUNITIES: tuple[DemoCommunity, ...] = (urban_growers.COMMUNITY, compost_hubs.COMMUNITY)
MAIN = urban_growers.COMMUNITY

# Gaps between a reply and what people did with it, so that every action has its own time.
ACCEPT_AFTER = timedelta(hours=5)
ACK_AFTER = timedelta(hours=6)
ACK_STEP = timedelta(hours=3)
STORY_ACK_AFTER = timedelta(hours=24)
STORY_ACK_STEP = timedelta(hours=7)


@dataclass(frozen=True)
class SeedReport:
    communities: int
    people: int
    threads: int
    replies: int
    acknowledgements: int
    ledger_events: int


def demo_exists() -> bool:
    return Community.objects.filter(slug__in=[c.slug for c in COMMUNITIES]).exists()


def _demo_people() -> list[User]:
    return list(
        User.objects.filter(
            username__in=[p.username for p in PEOPLE], email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
        )
    )


@transaction.atomic
def demo_reset() -> None:
    """Remove the demo communities (and everything in them) and the demo accounts.

    Only accounts with the demo's username *and* e-mail address go, so a real
    person who happens to be called ``sam`` is never touched.
    """
    slugs = [c.slug for c in COMMUNITIES]
    # Threads first: a thread's circle is a protected reference, so deleting the
    # community (and with it its circles) in one go is refused while threads remain.
    Thread.objects.filter(community__slug__in=slugs).delete()
    Community.objects.filter(slug__in=slugs).delete()
    User.objects.filter(pk__in=[u.pk for u in _demo_people()]).delete()


@transaction.atomic
def demo_seed() -> SeedReport:
    """Create the demo communities; raises Conflict when any of them or its people exist."""
    if demo_exists():
        raise Conflict("the demo communities already exist; use --reset to rebuild them")
    taken = User.objects.filter(username__in=[p.username for p in PEOPLE]).values_list(
        "username", flat=True
    )
    if taken:
        names = ", ".join(sorted(taken))
        raise Conflict(f"these usernames are taken and the demo needs them: {names}")
    if timezone.now() <= DEMO_END:
        # The calendar moves rows stamped "now" into the past; a clock before the
        # demo's last day would put the story in the future.
        raise Conflict(f"this machine's clock says {timezone.now():%Y-%m-%d}, before the demo")
    for spec in COMMUNITIES:
        _check(spec)
        learning_check(spec)
    # The password is published, so one hash serves everyone; argon2 takes about
    # half a second per hash here, and thirteen of them made seeding slow.
    password_hash = make_password(DEMO_PASSWORD)
    people = {p.username: _person_create(p, password_hash) for p in PEOPLE}
    actions: list[Action] = []
    for spec in COMMUNITIES:
        community = _community_create(spec, people)
        actions.extend(_CommunitySeeder(community, people).actions(spec))
    # Run everything in the order it happened, so ids grow with time as in real use.
    # sorted() is stable: actions at the same instant keep their written order.
    for _when, action in sorted(actions, key=lambda item: item[0]):
        action()
    _settle_last_activity()
    # Levels stored while seeding saw only the story so far; now the whole of it is there.
    for community in Community.objects.filter(slug__in=[c.slug for c in COMMUNITIES]):
        trust_recompute(community=community)
    return _report()


def _at(days: float, hours: float = 0) -> datetime:
    return DEMO_START + timedelta(days=days, hours=hours)


def _person_create(person: Person, password_hash: str) -> User:
    user = user_create(
        username=person.username,
        email=person.email,
        display_name=person.display_name,
        bio=person.bio,
        interests=person.interests,
        offers=person.offers,
        learning=person.learning,
        sector=person.sector,
        discipline=person.discipline,
        region=person.region,
        role_in_practice=person.role_in_practice,
        location=person.location,
    )
    User.objects.filter(pk=user.pk).update(
        password=password_hash, date_joined=_at(person.joined_day)
    )
    return user


def _check(spec: DemoCommunity) -> None:
    """Catch mistakes in the written content before anything is stored."""
    everyone = {*spec.stewards, *spec.members}
    for thread in spec.threads:
        accepted = [a for a in thread.answers if a.accepted]
        if len(accepted) > 1:
            raise ValueError(f"{thread.title!r}: more than one accepted answer")
        if thread.started_at > DEMO_END:
            raise ValueError(f"{thread.title!r}: starts after the demo's last day")
        for answer in thread.answers:
            people = {answer.author, *answer.helped, *(c.author for c in answer.comments)}
            if not people <= everyone:
                raise ValueError(f"{thread.title!r}: {people - everyone} are not members")
            for comment in answer.comments:
                if comment.hours <= answer.hours:
                    raise ValueError(f"{thread.title!r}: a comment comes before its answer")
    circles = {c.slug: {spec.stewards[0], *c.members} for c in spec.circles}
    for thread in spec.threads:
        if thread.circle and thread.circle not in circles:
            raise ValueError(f"{thread.title!r}: no circle {thread.circle!r}")
        voices = {thread.author, *(a.author for a in thread.answers)}
        if thread.circle and not voices <= circles[thread.circle]:
            raise ValueError(f"{thread.title!r}: {voices - circles[thread.circle]} not in circle")
    for username in everyone | set(spec.pending):
        if username not in BY_USERNAME:
            raise ValueError(f"{spec.slug}: unknown person {username!r}")


def _community_create(spec: DemoCommunity, people: dict[str, User]) -> Community:
    founder = people[spec.stewards[0]]
    created = _at(spec.created_day)
    community = community_create(
        creator=founder,
        name=spec.name,
        slug=spec.slug,
        domain=spec.domain,
        purpose=spec.purpose,
        aspiration=spec.aspiration,
        visibility=spec.visibility,
    )
    Community.objects.filter(pk=community.pk).update(created_at=created)
    agreement = None
    if spec.agreement:
        agreement = agreement_publish(community=community, actor=founder, body=spec.agreement)
        Agreement.objects.filter(pk=agreement.pk).update(created_at=created)
        AgreementAcceptance.objects.filter(agreement=agreement).update(accepted_at=created)
    for username in (*spec.stewards[1:], *spec.members, *spec.pending):
        community_join(
            community=community,
            user=people[username],
            accept_agreement=agreement.version if agreement else None,
        )
        if username not in spec.pending:
            membership_approve(community=community, actor=founder, user=people[username])
    for username in spec.stewards[1:]:
        membership_set_role(
            community=community, actor=founder, user=people[username], role="steward"
        )
    for username in (*spec.stewards, *spec.members, *spec.pending):
        joined = _at(max(spec.created_day, BY_USERNAME[username].joined_day), 1)
        person = people[username]
        Membership.objects.filter(community=community, user=person).update(joined_at=joined)
        AgreementAcceptance.objects.filter(agreement__community=community, person=person).exclude(
            person=founder
        ).update(accepted_at=joined)
    for circle_spec in spec.circles:
        _circle_create(community, circle_spec, founder, people)
    return community


def _circle_create(
    community: Community, spec: DemoCircle, founder: User, people: dict[str, User]
) -> Circle:
    circle = circle_create(
        community=community,
        actor=founder,
        name=spec.name,
        slug=spec.slug,
        tier=spec.tier,
        description=spec.description,
    )
    for username in spec.members:
        circle_invite(circle=circle, actor=founder, user=people[username])
    created = _at(spec.created_day)
    Circle.objects.filter(pk=circle.pk).update(created_at=created)
    CircleMembership.objects.filter(circle=circle).update(joined_at=created)
    return circle


Key = tuple[int, int, int]  # (thread, answer, comment or -1) within one community


class _CommunitySeeder:
    """Turns one community's written threads into timed actions that call the services.

    Actions run later, in time order across all communities; each looks up the
    rows made by earlier actions in ``threads`` and ``replies``.
    """

    def __init__(self, community: Community, people: dict[str, User]) -> None:
        self.community = community
        self.people = people
        self.circles = {c.slug: c for c in Circle.objects.filter(community=community)}
        self.threads: dict[int, Thread] = {}
        self.by_title: dict[str, Thread] = {}
        self.replies: dict[Key, Reply] = {}

    def actions(self, spec: DemoCommunity) -> list[Action]:
        out: list[Action] = []
        for t, thread in enumerate(spec.threads):
            out.append((thread.started_at, partial(self.thread, t, thread)))
            for a, answer in enumerate(thread.answers):
                out.extend(self._answer_actions(t, a, thread, answer))
            for i, person in enumerate(thread.helped):
                when = thread.started_at + STORY_ACK_AFTER + i * STORY_ACK_STEP
                out.append((when, partial(self.acknowledge, t, None, person, when)))
        for intro in spec.introductions:
            out.append((intro.made_at, partial(self.introduce, intro)))
        learning = LearningSeeder(self.community, self.people, self.by_title)
        out.extend(learning.actions(spec))
        out.extend(more_learning.actions(learning, spec))
        return out

    def _answer_actions(self, t: int, a: int, thread: DemoThread, answer: Answer) -> list[Action]:
        when = thread.started_at + timedelta(hours=answer.hours)
        key = (t, a, -1)
        out: list[Action] = [
            (when, partial(self.reply, t, key, None, answer.author, answer.body, when))
        ]
        if answer.accepted:
            out.append(
                (when + ACCEPT_AFTER, partial(self.accept, key, thread.author, when + ACCEPT_AFTER))
            )
        for i, person in enumerate(answer.helped):
            ack_at = when + ACK_AFTER + i * ACK_STEP
            out.append((ack_at, partial(self.acknowledge, t, key, person, ack_at)))
        for c, comment in enumerate(answer.comments):
            c_when = thread.started_at + timedelta(hours=comment.hours)
            c_key = (t, a, c)
            out.append(
                (c_when, partial(self.reply, t, c_key, key, comment.author, comment.body, c_when))
            )
            for i, person in enumerate(comment.helped):
                ack_at = c_when + ACK_AFTER + i * ACK_STEP
                out.append((ack_at, partial(self.acknowledge, t, c_key, person, ack_at)))
        return out

    def thread(self, t: int, spec: DemoThread) -> None:
        with on_calendar(spec.started_at, (Thread, "created_at")):
            thread = thread_create(
                community=self.community,
                author=self.people[spec.author],
                kind=spec.kind,
                title=spec.title,
                body=spec.body,
                tags=spec.tags,
                context=spec.context,
                what_happened=spec.what_happened,
                learned=spec.learned,
                differently=spec.differently,
                circle=self.circles[spec.circle] if spec.circle else None,
            )
        self.threads[t] = thread
        self.by_title[spec.title] = thread

    def reply(
        self, t: int, key: Key, parent: Key | None, author: str, body: str, when: datetime
    ) -> None:
        with on_calendar(when, (Reply, "created_at")):
            reply = reply_create(
                thread=self.threads[t],
                author=self.people[author],
                body=body,
                parent=self.replies[parent] if parent is not None else None,
            )
        self.replies[key] = reply

    def accept(self, key: Key, asker: str, when: datetime) -> None:
        with on_calendar(when):
            reply_accept(reply=self.replies[key], actor=self.people[asker])

    def introduce(self, spec: DemoIntroduction) -> None:
        with on_calendar(spec.made_at, (Introduction, "created_at")):
            introduction_create(
                community=self.community,
                introducer=self.people[spec.introducer],
                person_a=self.people[spec.person_a],
                person_b=self.people[spec.person_b],
                note=spec.note,
            )

    def acknowledge(self, t: int, key: Key | None, person: str, when: datetime) -> None:
        with on_calendar(when, (Acknowledgement, "created_at")):
            acknowledgement_create(
                person=self.people[person],
                thread=self.threads[t],
                reply=self.replies[key] if key is not None else None,
            )


def _settle_last_activity() -> None:
    """A thread's last activity is its latest reply (the services stamped 'now')."""
    slugs = [c.slug for c in COMMUNITIES]
    latest = (
        Thread.objects.filter(community__slug__in=slugs)
        .annotate(latest_reply=Max("replies__created_at"))
        .values_list("pk", "created_at", "latest_reply")
    )
    for pk, created_at, latest_reply in latest:
        Thread.objects.filter(pk=pk).update(last_activity_at=latest_reply or created_at)


def _report() -> SeedReport:
    slugs = [c.slug for c in COMMUNITIES]
    return SeedReport(
        communities=len(COMMUNITIES),
        people=len(PEOPLE),
        threads=Thread.objects.filter(community__slug__in=slugs).count(),
        replies=Reply.objects.filter(thread__community__slug__in=slugs).count(),
        acknowledgements=Acknowledgement.objects.filter(thread__community__slug__in=slugs).count(),
        ledger_events=LedgerEvent.objects.filter(community__slug__in=slugs).count(),
    )
