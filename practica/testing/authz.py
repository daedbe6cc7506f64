"""The world of the authorization matrix (issue #7): one of everything, built through the services.

Two communities (``open``, public; ``closed``, members only). In each, circles of every
tier (``open``, ``members``, ``private``, ``confidential``) and a members' circle run
under the Chatham House rule (``chatham``); the community itself (no circle) is the
place ``none``, and ``hidden`` holds a thread that a steward hid by moderation. Every
place has a question with an answer and a story, each carrying a unique marker string
(:func:`marker`), so that a channel's output can be searched for exactly one object.

The people in :data:`ROLES` are the ones whose access the matrix asserts; a few more
(``sage``, who starts everything, ``chatty``, who speaks only under the Chatham House
rule, ``quill``, who speaks only in confidential circles, ``rowan``, who speaks in the
open) make the content. Markers are single words of letters (``zq`` ... ``q``) so that
every search backend indexes them as one token and none is a substring of another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from practica.accounts.models import User
from practica.accounts.services import user_create
from practica.communities.circles import circle_create, circle_invite, circle_join
from practica.communities.models import Circle, CircleTier, Community, Visibility
from practica.communities.services import (
    community_create,
    community_join,
    community_leave,
    community_update,
    membership_approve,
    membership_set_role,
)
from practica.compass.services import compass_refresh, compass_settings_update
from practica.core.errors import InvalidInput
from practica.exchange.models import Reply, Thread
from practica.exchange.services import reply_create, reply_edit, thread_create
from practica.learning.models import Experiment, Practice
from practica.learning.services import (
    agenda_item_create,
    agenda_item_update,
    experiment_propose,
    practice_create,
)
from practica.surveys.instruments import SCALES
from practica.surveys.models import Survey
from practica.surveys.services import survey_answer, survey_close, survey_create, survey_open
from practica.trust.models import FlagReason
from practica.trust.rules import Level
from practica.trust.services import content_hide, flag_create, level_override, suspension_create
from practica.trust.throttle import SUSPENDED_CACHE_KEY
from practica.weaving.services import invitation_create

#: The roles whose access is asserted, in the order of the report.
ROLES = (
    "anonymous",
    "outsider",
    "newcomer",
    "member",
    "circle_member",
    "steward",
    "suspended",
    "former",
)
COMMUNITIES = ("open", "closed")
#: Where content lives: the community itself, each circle, and a hidden thread.
PLACES = ("none", "open", "members", "chatham", "private", "confidential", "hidden")
CIRCLE_TIERS = {
    "open": CircleTier.OPEN,
    "members": CircleTier.MEMBERS,
    "chatham": CircleTier.MEMBERS,
    "private": CircleTier.PRIVATE,
    "confidential": CircleTier.CONFIDENTIAL,
}
#: Whether the stewards share the compass's person-level detail with members.
COMPASS_PEOPLE_SHARED = {"open": False, "closed": True}
#: The display name of the one person who speaks only under the Chatham House rule.
CHATTY_NAME = "Chatty Zqhushnameq"
#: The display name of the one person who speaks only in confidential circles.
QUILL_NAME = "Quill Zqconfidanteq"
#: The display name of a person who speaks in the open (the compass may name them).
ROWAN_NAME = "Rowan Zqvisibleq"
#: Places where each community's ``wren`` writes one thread and one reply, so that a
#: profile (which lists the ten most recent of each) shows them all.
WREN_PLACES = ("none", "open", "members", "private", "confidential", "hidden")


def wren(community: str) -> str:
    """The username of the person whose profile lists their posts in ``community``."""
    return f"wren{community}"


def marker(*parts: str) -> str:
    """One unique word, e.g. ``zqthreadopenprivateq``: its presence in an answer discloses."""
    return "zq" + "".join(parts) + "q"


def key(*parts: str) -> str:
    """The word to search for an object by, e.g. ``zkthreadopenprivatek``.

    Queries use the key, never the marker, so that a channel echoing the query back
    (a search box, the API's ``query`` field) does not look like a disclosure. A
    place's question and story share one key (``zkplace...k``): one search finds both.
    """
    return "zk" + "".join(parts) + "k"


@dataclass
class Place:
    community: Community
    name: str
    circle: Circle | None
    thread: Thread
    reply: Reply
    story: Thread
    #: A question nobody answered, old enough for the compass's "unanswered" next step.
    unanswered: Thread

    @property
    def key(self) -> str:
        return f"{self.community.slug}/{self.name}"


@dataclass
class World:
    people: dict[str, User]
    communities: dict[str, Community]
    places: dict[tuple[str, str], Place]
    experiments: dict[str, Experiment]
    practices: dict[str, Practice]
    surveys: dict[str, Survey]
    #: Surveys closed with fewer than five respondents: their results never show.
    thin_surveys: dict[str, Survey]
    hidden_replies: dict[str, Reply]
    #: (community, place) -> the thread and the reply of that community's wren there.
    wren_posts: dict[tuple[str, str], tuple[Thread, Reply]] = field(default_factory=dict)
    circles: dict[tuple[str, str], Circle] = field(default_factory=dict)
    #: (role, community, place) -> whether the invitation to answer was sent.
    invited: dict[tuple[str, str, str], bool] = field(default_factory=dict)
    #: community -> the person whose request to join waits for a steward there.
    join_requests: dict[str, User] = field(default_factory=dict)

    def person(self, role: str) -> User | None:
        return None if role == "anonymous" else self.people[role]


def _person(username: str, name: str) -> User:
    return user_create(
        username=username,
        email=f"{username}@example.org",
        password=f"pw-{username}-authz",
        display_name=name,
    )


def _answers(survey: Survey, value: int) -> dict[str, int]:
    return {item.key: value for key in survey.scales for item in SCALES[key].items}


def _survey(community: Community, sage: User, title: str, respondents: list[User]) -> Survey:
    slug = community.slug
    survey = survey_create(
        community=community, actor=sage, title=title, scales=["trust"], ask_story=True
    )
    survey_open(survey=survey, actor=sage)
    for n, person in enumerate(respondents):
        shared = n == 0
        story = (
            marker("surveyshared", slug, title.split()[0].lower())
            if shared
            else marker("surveystory", slug, person.username)
        )
        survey_answer(
            survey=survey,
            person=person,
            answers=_answers(survey, 1 + n % 7),
            story=story,
            share_story=shared,
        )
    survey_close(survey=survey, actor=sage)
    return survey


def build_world() -> World:
    """Build the whole world through the services (a few seconds)."""
    sage = _person("sage", "Sage Founder")
    people = {role: _person(role, role.replace("_", " ").title()) for role in ROLES[1:]}
    chatty = _person("chatty", CHATTY_NAME)
    quill = _person("quill", QUILL_NAME)
    rowan = _person("rowan", ROWAN_NAME)
    wrens = {slug: _person(wren(slug), f"Wren of {slug}") for slug in COMMUNITIES}
    communities = {
        "open": community_create(
            creator=sage,
            name="Open Commons",
            slug="open",
            domain="gardening",
            purpose=f"Public. {marker('community', 'open')}",
        ),
        "closed": community_create(
            creator=sage,
            name="Closed Room",
            slug="closed",
            domain="peer support",
            purpose=f"Members only. {marker('community', 'closed')}",
            visibility=Visibility.MEMBERS,
        ),
    }
    # A request to join waits in each community; its username is the marker. The open
    # community was members-only when it was made: a request stays waiting when a
    # community opens, and only its stewards see it.
    join_requests = {}
    for slug, community in communities.items():
        asking = _person(marker("joinrequest", slug), f"Asking to join {slug}")
        opened = community.visibility == Visibility.PUBLIC
        if opened:
            community_update(community=community, actor=sage, visibility=Visibility.MEMBERS)
        community_join(community=community, user=asking)
        if opened:
            community_update(community=community, actor=sage, visibility=Visibility.PUBLIC)
        join_requests[slug] = asking
    insiders = ["newcomer", "member", "circle_member", "steward", "suspended"]
    for community in communities.values():
        for person in [*(people[r] for r in insiders), people["former"], chatty, quill, rowan]:
            community_join(community=community, user=person)
            if community.visibility == Visibility.MEMBERS:
                membership_approve(community=community, actor=sage, user=person)
        community_join(community=community, user=wrens[community.slug])
        if community.visibility == Visibility.MEMBERS:
            membership_approve(community=community, actor=sage, user=wrens[community.slug])
        membership_set_role(community=community, actor=sage, user=people["steward"], role="steward")
        writers = (people["member"], people["circle_member"], chatty, quill, rowan)
        for person in (*writers, wrens[community.slug]):
            level_override(
                actor=sage, community=community, person=person, level=Level.MEMBER, note="authz"
            )
        level_override(
            actor=sage,
            community=community,
            person=people["newcomer"],
            level=Level.NEWCOMER,
            note="authz",
        )

    circles: dict[tuple[str, str], Circle] = {}
    for slug, community in communities.items():
        for name, tier in CIRCLE_TIERS.items():
            circle = circle_create(
                community=community,
                actor=sage,
                name=f"{name.title()} circle {marker('circlename', slug, name)}",
                slug=f"{name}-circle",
                tier=tier,
                description=marker("circle", slug, name),
                chatham_house=name == "chatham",
            )
            circles[(slug, name)] = circle
            voices = [people["circle_member"], people["former"]]
            voices += [chatty] if name == "chatham" else []
            voices += [quill] if name == "confidential" else []
            voices += [rowan] if name == "private" else []
            voices += [wrens[slug]] if name != "chatham" else []
            for person in voices:
                if tier in (CircleTier.PRIVATE, CircleTier.CONFIDENTIAL):
                    circle_invite(circle=circle, actor=sage, user=person)
                else:
                    circle_join(circle=circle, user=person)

    places: dict[tuple[str, str], Place] = {}
    long_ago = timezone.now() - timedelta(days=40)
    for slug, community in communities.items():
        for name in PLACES:
            in_circle = circles.get((slug, name))
            author = chatty if name == "chatham" else sage
            answerer = {"chatham": chatty, "confidential": quill}.get(name, rowan)
            thread = thread_create(
                community=community,
                author=author,
                kind="question",
                title=f"Question {marker('thread', slug, name)}",
                body=f"What about {marker('thread', slug, name)} {key('place', slug, name)}?",
                tags=[marker("tag", slug, name)],
                circle=in_circle,
            )
            reply = reply_create(
                thread=thread,
                author=answerer,
                body=f"We tried {marker('reply', slug, name)} {key('reply', slug, name)}.",
            )
            story = thread_create(
                community=community,
                author=author,
                kind="story",
                title=f"Story {marker('story', slug, name)}",
                what_happened=f"So: {marker('story', slug, name)} {key('place', slug, name)}.",
                learned="Patience.",
                circle=in_circle,
            )
            unanswered = thread_create(
                community=community,
                author=author,
                kind="question",
                title=f"Ask {marker('unanswered', slug, name)}",
                body="Anyone?",
                circle=in_circle,
            )
            Thread.objects.filter(pk=unanswered.pk).update(
                created_at=long_ago, last_activity_at=long_ago
            )
            if name == "hidden":
                for item in (thread, story, unanswered):
                    content_hide(actor=sage, thread=item, note="authz: hidden by a steward")
            places[(slug, name)] = Place(
                community, name, in_circle, thread, reply, story, unanswered
            )

    hidden_replies = {}
    for slug in COMMUNITIES:
        open_thread = places[(slug, "none")].thread
        hidden = reply_create(
            thread=open_thread,
            author=rowan,
            body=f"Spam {marker('hiddenreply', slug)} {key('hiddenreply', slug)} here.",
        )
        content_hide(actor=sage, thread=open_thread, reply=hidden, note="authz: hidden reply")
        hidden_replies[slug] = hidden

    wren_posts = {}
    for (slug, name), place in places.items():
        if name not in WREN_PLACES:
            continue
        note = thread_create(
            community=place.community,
            author=wrens[slug],
            kind="discussion",
            title=f"Note {marker('profile', slug, name)}",
            body="A note.",
            circle=place.circle,
        )
        answer = reply_create(
            thread=place.thread,
            author=wrens[slug],
            body=f"Me too: {marker('profilereply', slug, name)}.",
        )
        if name == "hidden":
            content_hide(actor=sage, thread=note, note="authz: hidden by a steward")
        wren_posts[(slug, name)] = (note, answer)

    # Moderation: a flag on every place's question (the stewards' queue), and a reply
    # hidden with a marked note (the audit log, sealed for closed circles).
    for (slug, name), place in places.items():
        if name == "hidden":
            continue
        flag_create(
            reporter=people["circle_member"],
            thread=place.thread,
            reason=FlagReason.OFF_TOPIC,
        )
        reply_edit(
            reply=place.reply,
            editor=sage,
            body=place.reply.body + " (edited)",
            reason=f"Tidied {marker('auditedit', slug, name)}",
        )
        aside = reply_create(thread=place.thread, author=sage, body="An aside.")
        content_hide(
            actor=sage, thread=place.thread, reply=aside, note=f"Hid {marker('audit', slug, name)}"
        )

    experiments, practices = {}, {}
    for slug, community in communities.items():
        everything = [
            t
            for (s, _), p in places.items()
            if s == slug
            for t in (p.thread, p.story)
            if p.name != "hidden"
        ]
        experiments[slug] = experiment_propose(
            community=community,
            proposer=sage,
            title=f"Trial {marker('experiment', slug)}",
            question=f"Does {marker('experiment', slug)} help?",
            hypothesis="It helps.",
            inspired_by=everything,
        )
        agenda = agenda_item_create(
            community=community, author=sage, question=f"What next? {marker('agenda', slug)}"
        )
        agenda_item_update(item=agenda, actor=sage, threads=everything)
        practices[slug] = practice_create(
            community=community,
            author=sage,
            name=f"Practice {marker('practice', slug)}",
            summary=f"Do {marker('practice', slug)}.",
            evidence_threads=everything,
        )

    respondents = [sage, *(people[r] for r in insiders)]
    surveys = {
        slug: _survey(community, sage, "Pulse survey", respondents)
        for slug, community in communities.items()
    }
    thin_surveys = {
        slug: _survey(community, sage, "Thin survey", respondents[:3])
        for slug, community in communities.items()
    }

    for community in communities.values():
        compass_settings_update(
            community=community,
            actor=sage,
            members_see_aggregate=True,
            members_see_people=COMPASS_PEOPLE_SHARED[community.slug],
            unanswered_days=7,
        )

    invited: dict[tuple[str, str, str], bool] = {}
    for (slug, name), place in places.items():
        for role in ROLES[1:]:
            try:
                invitation_create(thread=place.thread, inviter=rowan, invitee=people[role])
                invited[(role, slug, name)] = True
            except InvalidInput:
                invited[(role, slug, name)] = False

    # The former member leaves both communities last, keeping every circle membership:
    # a circle's key opens nothing without an active membership of its community.
    for community in communities.values():
        community_leave(community=community, user=people["former"])

    # Suspended last: a suspended person cannot answer surveys or be let in.
    for community in communities.values():
        suspension_create(
            actor=sage,
            person=people["suspended"],
            community=community,
            note="authz: suspended for the matrix",
        )
    for community in communities.values():
        compass_refresh(community=community, actor=sage, force=True)
    cache.delete(SUSPENDED_CACHE_KEY)

    return World(
        people={
            "sage": sage,
            "chatty": chatty,
            "quill": quill,
            "rowan": rowan,
            **{wren(slug): person for slug, person in wrens.items()},
            **people,
        },
        communities=communities,
        places=places,
        experiments=experiments,
        practices=practices,
        surveys=surveys,
        thin_surveys=thin_surveys,
        hidden_replies=hidden_replies,
        wren_posts=wren_posts,
        circles=circles,
        invited=invited,
        join_requests=join_requests,
    )
