"""The expected access of the authorization matrix, declared as data.

Who may read a place is a table (:data:`COMMUNITY_READERS`, :data:`PLACE_READERS`);
each (kind, channel) cell then names the rule that applies (:data:`CELLS`), or why
the cell does not apply (:data:`NOT_APPLICABLE`). :func:`expect` answers one
(kind, place, role, channel) question with a :class:`Verdict` that carries the rule
in words, so that a failure says which promise was broken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from practica.testing.authz import COMPASS_PEOPLE_SHARED, ROLES

#: The roles of the matrix, and the operator, who runs ``practica export`` (exports only).
ALL_ROLES = (*ROLES, "operator")
KINDS = (
    "community",
    "circle",
    "thread",
    "reply",
    "story",
    "experiment",
    "practice",
    "profile",
    "attribution",
    "survey result",
    "compass detail",
    "export",
    "feed",
    "join request",
)
CHANNELS = (
    "page",
    "api",
    "search",
    "suggestions",
    "feeds",
    "exports",
    "compass",
    "notifications",
)

EVERYONE = frozenset(ROLES)
INSIDERS = frozenset({"newcomer", "member", "circle_member", "steward", "suspended"})
CIRCLE = frozenset({"circle_member"})

#: Who reads a community's content.
COMMUNITY_READERS: dict[str, tuple[frozenset[str], str]] = {
    "open": (EVERYONE, "a public community is read by everyone"),
    "closed": (INSIDERS, "a members-only community is read by its active members only"),
}
#: Who reads a place inside a community (None: whoever reads the community).
PLACE_READERS: dict[str, tuple[frozenset[str] | None, str]] = {
    "none": (None, "content outside circles follows the community"),
    "open": (None, "an open circle follows the community"),
    "members": (INSIDERS, "a members' circle needs an active membership"),
    "chatham": (INSIDERS, "a Chatham House members' circle needs an active membership"),
    "private": (CIRCLE, "a private circle is read by its own members only (a steward is no key)"),
    "confidential": (
        CIRCLE,
        "a confidential circle is read by its own members only (a steward is no key)",
    ),
    "hidden": (
        frozenset({"steward"}),
        "hidden content is shown only to its author and the community's stewards",
    ),
}
#: Places that never leave in ``practica export`` nor appear in any feed.
CLOSED_PLACES = frozenset({"private", "confidential"})
#: Where the API refuses a suspended person (the path names their community).
SUSPENDED_API = "a suspended person's API calls that name their community answer 403"


@dataclass(frozen=True)
class Verdict:
    """``allowed`` is None when the cell does not apply; ``rule`` says why either way."""

    allowed: bool | None
    rule: str


@dataclass(frozen=True)
class Subject:
    """What the policy needs to know of one object."""

    kind: str
    community: str
    place: str = "none"
    #: For per-person objects (a respondent's own answers): whose they are;
    #: "moderated" for a reply hidden by moderation itself (not only its thread).
    owner: str = ""
    #: For survey results: whether the results may be shown at all (closed, 5+).
    threshold_met: bool = True
    #: "stewards" for views only stewards open (the moderation queue, the audit log);
    #: "self" for a person's own view of what they gave (their survey page).
    audience: str = ""


def reads(role: str, community: str, place: str) -> tuple[bool, str]:
    """May ``role`` read content at ``place`` of ``community``, and by which rule."""
    readers, rule = COMMUNITY_READERS[community]
    if role not in readers:
        return False, rule
    place_readers, place_rule = PLACE_READERS[place]
    if place_readers is None:
        return True, f"{rule}; {place_rule}"
    return role in place_readers, place_rule


Rule = Callable[[Subject, str], Verdict]


def _operator_only(subject: Subject, role: str) -> Verdict | None:
    if role == "operator":
        return None
    return Verdict(None, "practica export is the operator's command; no community role runs it")


def _no_operator(role: str) -> Verdict | None:
    if role == "operator":
        return Verdict(None, "the operator reads only through practica export")
    return None


def _content(subject: Subject, role: str) -> Verdict:
    """Threads, replies and stories: the funnel decides."""
    allowed, rule = reads(role, subject.community, subject.place)
    return Verdict(allowed, rule)


def content_page(subject: Subject, role: str) -> Verdict:
    if found := _no_operator(role):
        return found
    if subject.audience == "stewards" and role != "steward":
        return Verdict(False, "the moderation queue and the audit log are for stewards")
    found = _content(subject, role)
    if subject.audience == "stewards" and not found.allowed:
        return Verdict(
            False, f"a steward sees flags and entries only where they read: {found.rule}"
        )
    return found


def content_feed(subject: Subject, role: str) -> Verdict:
    if found := _no_operator(role):
        return found
    if subject.place in CLOSED_PLACES:
        return Verdict(False, "private and confidential circles are never in any feed")
    return _content(subject, role)


def content_export(subject: Subject, role: str) -> Verdict:
    """``practica export`` for the operator; a person's own data download for the roles."""
    if role == "operator":
        if subject.place in CLOSED_PLACES:
            return Verdict(False, "private and confidential circles never leave in an export")
        return Verdict(True, "practica export carries the community's shared content")
    if subject.kind != "thread":
        return Verdict(False, "a data download holds only what the person wrote or was sent")
    allowed, rule = reads(role, subject.community, subject.place)
    if role == "anonymous":
        return Verdict(False, "an anonymous visitor has no data to download")
    return Verdict(allowed, f"a download holds the invitations sent to the person: {rule}")


def content_notifications(subject: Subject, role: str) -> Verdict:
    if found := _no_operator(role):
        return found
    if role == "anonymous":
        return Verdict(False, "an anonymous visitor has no notifications")
    allowed, rule = reads(role, subject.community, subject.place)
    return Verdict(allowed, f"an invitation to answer goes only to those who read: {rule}")


def reply_experts(subject: Subject, role: str) -> Verdict:
    """Who knows, asked with a reply's words: may it name the reply's author?"""
    if found := _no_operator(role):
        return found
    if subject.owner == "moderated" or subject.place == "hidden":
        return Verdict(False, "hidden content never speaks for a person in who-knows")
    allowed, rule = reads(role, subject.community, subject.place)
    if allowed and subject.place == "chatham" and role != "circle_member":
        return Verdict(
            False, "a Chatham House circle credits nobody in who-knows before those outside it"
        )
    return Verdict(allowed, rule)


def profile_page(subject: Subject, role: str) -> Verdict:
    if found := _no_operator(role):
        return found
    allowed, rule = reads(role, subject.community, subject.place)
    if allowed and subject.place == "chatham" and role != "circle_member":
        return Verdict(
            False, "a profile leaves out threads whose author the viewer may not be told"
        )
    return Verdict(allowed, rule)


def attribution(subject: Subject, role: str) -> Verdict:
    """The Chatham House author's name: only to the circle's members (and the author)."""
    if found := _no_operator(role):
        return found
    allowed, rule = reads(role, subject.community, subject.place)
    if not allowed:
        return Verdict(False, rule)
    if role != "circle_member":
        return Verdict(False, "under the Chatham House rule nobody outside the circle is told who")
    return Verdict(True, "the circle's own members see who said what")


def attribution_export(subject: Subject, role: str) -> Verdict:
    if role != "operator":
        return Verdict(
            None, "a person's download holds their own words only; none of the roles spoke"
        )
    return Verdict(False, "exports of Chatham House circles carry no author")


def card(subject: Subject, role: str) -> Verdict:
    if found := _no_operator(role):
        return found
    return Verdict(
        True, "a community's card is visible to everyone, so that people can ask to join"
    )


def card_export(subject: Subject, role: str) -> Verdict:
    return _operator_only(subject, role) or Verdict(True, "an export carries the community")


def circle_visible(subject: Subject, role: str) -> Verdict:
    if found := _no_operator(role):
        return found
    allowed, rule = reads(role, subject.community, subject.place)
    if subject.place in CLOSED_PLACES:
        rule = "a closed circle's existence is known only to its members"
    return Verdict(allowed, rule)


def circle_invited(subject: Subject, role: str) -> Verdict:
    """Only the people invited into a closed circle are told its name."""
    if found := _no_operator(role):
        return found
    if subject.place in CLOSED_PLACES and role == "circle_member":
        return Verdict(True, "an invitation into a closed circle goes to the invited person")
    return Verdict(False, "nobody else is notified of a circle (open ones are joined, not invited)")


def circle_export(subject: Subject, role: str) -> Verdict:
    if found := _operator_only(subject, role):
        return found
    if subject.place in CLOSED_PLACES:
        return Verdict(False, "private and confidential circles never leave in an export")
    return Verdict(True, "open and members' circles are exported with their threads")


def learning(subject: Subject, role: str) -> Verdict:
    """Experiments and practices belong to the community as a whole."""
    if found := _no_operator(role):
        return found
    return _content(subject, role)


def survey(subject: Subject, role: str) -> Verdict:
    if found := _no_operator(role):
        return found
    if subject.owner and subject.audience == "self":
        # Answers can be changed (and so are shown, to their giver) until the close;
        # a closed survey's page shows its results, and one's answers are in one's data.
        return Verdict(False, "a closed survey's page shows nobody's answers, not even one's own")
    if subject.owner:
        return Verdict(False, "nobody sees one person's answers on the results")
    if role not in INSIDERS or role not in COMMUNITY_READERS[subject.community][0]:
        return Verdict(False, "surveys are for the community's members")
    if not subject.threshold_met:
        return Verdict(False, "results show only once closed with 5 or more respondents")
    return Verdict(True, "members see closed surveys' aggregates and shared stories")


def compass(subject: Subject, role: str) -> Verdict:
    """Person-level detail (names, threads) of the compass: stewards, and members where
    the stewards share it; each sees only the threads they read."""
    if found := _no_operator(role):
        return found
    if subject.owner == "quill" or subject.place == "confidential":
        return Verdict(False, "confidential circles are out of the compass's detail")
    shared = COMPASS_PEOPLE_SHARED[subject.community]
    if role != "steward" and not (shared and role in INSIDERS):
        return Verdict(False, "the compass's detail is for stewards (and members, when shared)")
    allowed, rule = reads(role, subject.community, subject.place)
    return Verdict(allowed, f"the drill-down names only what the viewer reads: {rule}")


def own_data(subject: Subject, role: str) -> Verdict:
    if role == "operator":
        return Verdict(False, "a community export carries no one's survey answers")
    if role == subject.owner:
        return Verdict(True, "a person's data download holds their own survey answers")
    return Verdict(False, "only the person themself downloads their survey answers")


def feed_document(subject: Subject, role: str) -> Verdict:
    if found := _no_operator(role):
        return found
    allowed, rule = reads(role, subject.community, "none")
    return Verdict(
        allowed, f"a feed reads as its reader (a personal token, else anonymous): {rule}"
    )


def join_request(subject: Subject, role: str) -> Verdict:
    """Who asked to join and waits: the community's stewards, who approve or turn it down."""
    if found := _no_operator(role):
        return found
    if role != "steward":
        return Verdict(False, "requests to join are shown to the community's stewards only")
    return Verdict(True, "a community's stewards see who asks to join, to approve or turn down")


def join_request_export(subject: Subject, role: str) -> Verdict:
    if role == "operator":
        return Verdict(True, "practica export carries every membership, requests to join too")
    return Verdict(False, "a person's data download holds nobody else's request to join")


#: (kind, channel) -> the rule. Every cell of KINDS x CHANNELS is here or in NOT_APPLICABLE.
CELLS: dict[tuple[str, str], Rule] = {
    ("community", "page"): card,
    ("community", "api"): card,
    ("community", "exports"): card_export,
    ("circle", "page"): circle_visible,
    ("circle", "api"): circle_visible,
    ("circle", "exports"): circle_export,
    ("circle", "notifications"): circle_invited,
    ("thread", "page"): content_page,
    ("thread", "api"): content_page,
    ("thread", "search"): content_page,
    ("thread", "suggestions"): content_page,
    ("thread", "feeds"): content_feed,
    ("thread", "exports"): content_export,
    ("thread", "notifications"): content_notifications,
    ("reply", "page"): content_page,
    ("reply", "api"): content_page,
    ("reply", "search"): content_page,
    ("reply", "suggestions"): reply_experts,
    ("reply", "feeds"): content_feed,
    ("reply", "exports"): content_export,
    ("story", "page"): content_page,
    ("story", "api"): content_page,
    ("story", "search"): content_page,
    ("story", "suggestions"): content_page,
    ("story", "feeds"): content_feed,
    ("story", "exports"): content_export,
    ("experiment", "page"): learning,
    ("experiment", "api"): learning,
    ("practice", "page"): learning,
    ("practice", "api"): learning,
    ("profile", "page"): profile_page,
    ("attribution", "page"): attribution,
    ("attribution", "api"): attribution,
    ("attribution", "search"): attribution,
    ("attribution", "suggestions"): attribution,
    ("attribution", "feeds"): attribution,
    ("attribution", "exports"): attribution_export,
    ("survey result", "page"): survey,
    ("survey result", "api"): survey,
    ("compass detail", "compass"): compass,
    ("export", "exports"): own_data,
    ("feed", "feeds"): feed_document,
    ("join request", "page"): join_request,
    ("join request", "api"): join_request,
    ("join request", "exports"): join_request_export,
}

_THREADLESS = "search, suggestions, feeds and notifications carry threads and replies only"
#: (kind, channel) -> why the cell does not apply.
NOT_APPLICABLE: dict[tuple[str, str], str] = {
    ("community", "search"): "search finds threads, not communities",
    ("community", "suggestions"): "suggestions rank threads and people, not communities",
    ("community", "feeds"): "a community's feed is the kind 'feed'",
    (
        "community",
        "compass",
    ): "the compass's figures are aggregates; its detail is 'compass detail'",
    ("community", "notifications"): "no notification names a community's card",
    ("circle", "search"): "search finds threads, not circles",
    ("circle", "suggestions"): "suggestions rank threads and people, not circles",
    ("circle", "feeds"): "feeds list threads; a circle's threads are checked as 'thread'",
    ("circle", "compass"): "the compass reports circles as counts, never by name",
    ("thread", "compass"): "the compass's thread titles are checked as 'compass detail'",
    ("reply", "compass"): "the compass names no reply",
    ("reply", "notifications"): "invitations to answer name threads, not replies",
    ("story", "compass"): "the compass names no story",
    ("story", "notifications"): "invitations were sent for questions only",
    ("experiment", "search"): "search covers threads and replies only",
    ("experiment", "suggestions"): "suggestions rank threads and people only",
    ("experiment", "feeds"): _THREADLESS,
    (
        "experiment",
        "exports",
    ): "practica export carries threads, replies and people, no experiments",
    ("experiment", "compass"): "the learning section of the compass is counts only",
    ("experiment", "notifications"): "check-in reminders go to participants only; none here",
    ("practice", "search"): "search covers threads and replies only",
    ("practice", "suggestions"): "suggestions rank threads and people only",
    ("practice", "feeds"): _THREADLESS,
    ("practice", "exports"): "practica export carries threads, replies and people, no practices",
    ("practice", "compass"): "the learning section of the compass is counts only",
    ("practice", "notifications"): "no notification names a practice",
    ("profile", "api"): "the API has no profile endpoint",
    ("profile", "search"): "search finds threads; a profile's list is checked on its page",
    ("profile", "suggestions"): "who-knows lists people; the threads behind it are 'reply'",
    ("profile", "feeds"): "there is no per-person feed",
    ("profile", "exports"): "a person's own download is the kind 'export'",
    ("profile", "compass"): "the compass's names are checked as 'compass detail'",
    ("profile", "notifications"): "no notification lists a profile",
    ("attribution", "compass"): "the compass's names are checked as 'compass detail'",
    ("attribution", "notifications"): "invitations name the inviter, who is not under the rule",
    ("survey result", "search"): "search covers threads and replies only",
    ("survey result", "suggestions"): "suggestions do not read surveys",
    ("survey result", "feeds"): "surveys have no feed",
    ("survey result", "exports"): "a person's own answers in their download are the kind 'export'",
    ("survey result", "compass"): "the compass shows scale scores only (no stories)",
    ("survey result", "notifications"): "no notification carries survey results",
    ("compass detail", "page"): "the compass page is the channel 'compass'",
    ("compass detail", "api"): "the compass API is the channel 'compass'",
    ("compass detail", "search"): "search does not read the compass",
    ("compass detail", "suggestions"): "suggestions do not read the compass",
    ("compass detail", "feeds"): "the compass has no feed",
    ("compass detail", "exports"): "the compass's downloads are part of the channel 'compass'",
    ("compass detail", "notifications"): "no notification carries the compass",
    ("export", "page"): "a data download is a file, checked in the channel 'exports'",
    ("export", "api"): "the API has no data download",
    ("export", "search"): "search does not read downloads",
    ("export", "suggestions"): "suggestions do not read downloads",
    ("export", "feeds"): "a download has no feed",
    ("export", "compass"): "the compass does not read survey answers one by one",
    ("export", "notifications"): "no notification carries a download",
    ("feed", "page"): "a feed is the channel 'feeds'",
    ("feed", "api"): "the API serves no feeds",
    ("feed", "search"): "search does not read feeds",
    ("feed", "suggestions"): "suggestions do not read feeds",
    ("feed", "exports"): "exports carry no feeds",
    ("feed", "compass"): "the compass has no feed",
    ("feed", "notifications"): "no notification carries a feed",
    ("join request", "search"): "search finds threads, not people waiting to join",
    ("join request", "suggestions"): "who-knows ranks people by what they wrote",
    ("join request", "feeds"): "feeds list threads, not memberships",
    ("join request", "compass"): "the compass reads the ledger; asking to join records nothing",
    ("join request", "notifications"): "asking to join sends no notification",
}


def expect(subject: Subject, role: str, channel: str) -> Verdict:
    key = (subject.kind, channel)
    if key in NOT_APPLICABLE:
        return Verdict(None, NOT_APPLICABLE[key])
    return CELLS[key](subject, role)


def through(verdict: Verdict, role: str, *, scoped_api: bool) -> Verdict:
    """The verdict for one endpoint: an API path naming the community refuses the suspended."""
    if verdict.allowed and scoped_api and role == "suspended":
        return Verdict(False, SUSPENDED_API)
    return verdict


def table_is_complete() -> list[tuple[str, str]]:
    """Cells of KINDS x CHANNELS that neither a rule nor a reason covers (should be none)."""
    return [
        (k, c)
        for k in KINDS
        for c in CHANNELS
        if (k, c) not in CELLS and (k, c) not in NOT_APPLICABLE
    ]
