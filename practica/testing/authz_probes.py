"""The channels of the authorization matrix: how each object is fetched, as each role.

A :class:`Probe` is one endpoint of one channel (a page, an API path, a feed, an
export file, ...) and the needles whose presence in its output means the object
was disclosed. :class:`Fetcher` performs the requests through the real channels
(Django's test client for pages, feeds and the API with bearer tokens; the
``practica export`` command; the person data download) and remembers every answer,
since many objects are checked against the same list page.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.core.management import call_command
from django.test import Client

from practica.accounts.services import token_create
from practica.exchange.feeds import feed_token
from practica.testing.authz import (
    CHATTY_NAME,
    COMMUNITIES,
    PLACES,
    QUILL_NAME,
    ROLES,
    ROWAN_NAME,
    WREN_PLACES,
    World,
    key,
    marker,
    wren,
)
from practica.testing.authz_policy import Subject

#: An id no object of the world has.
MISSING = 999_999


@dataclass(frozen=True)
class Seen:
    status: int
    text: str


@dataclass(frozen=True)
class Probe:
    channel: str
    where: str
    fetch: Callable[[str], Seen]
    #: A denied object must answer an error status here (not just leave the marker out).
    detail: bool = False
    #: An API path that names the community (refused to people suspended there).
    scoped_api: bool = False
    #: This endpoint never carries the object (e.g. an aggregate download): only its
    #: absence is asserted, whatever the policy allows elsewhere on the channel.
    absent_only: bool = False
    #: The roles this endpoint is asked as (None: all); an expensive rendering of what
    #: another probe already checks for everyone.
    roles: frozenset[str] | None = None
    #: The same endpoint for an object that does not exist: a refused object must
    #: answer exactly as a missing one, so that nobody can tell the two apart.
    twin: Callable[[str], Seen] | None = None


@dataclass
class Target:
    """One object of the world, the needles that reveal it, and its probes."""

    subject: Subject
    label: str
    needles: tuple[str, ...]
    probes: list[Probe] = field(default_factory=list)
    #: The channels that carry this object, when not every applicable one does
    #: (a tag travels with its thread on pages and the API only).
    only: frozenset[str] | None = None


class Fetcher:
    """Requests as each role, remembered per (role, channel, address)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.clients: dict[str, Client] = {}
        self.tokens: dict[str, str] = {}
        self.feed_tokens: dict[str, str] = {}
        self.cache: dict[tuple[str, str, str], Seen] = {}
        self.exports: dict[str, str] = {}
        for role in ROLES:
            client = Client()
            person = world.person(role)
            if person is not None:
                client.force_login(person)
                self.tokens[role] = token_create(user=person, name="authz")[1]
                self.feed_tokens[role] = feed_token(person)
            self.clients[role] = client
        self.requests = 0

    def _remember(self, key: tuple[str, str, str], get: Callable[[], Seen]) -> Seen:
        if key not in self.cache:
            self.requests += 1
            self.cache[key] = get()
        return self.cache[key]

    def page(self, role: str, url: str) -> Seen:
        def get() -> Seen:
            response = self.clients[role].get(url)
            return Seen(response.status_code, response.content.decode(errors="replace"))

        return self._remember((role, "page", url), get)

    def api(self, role: str, path: str, **params: object) -> Seen:
        url = "/api/v1" + path + (f"?{urlencode(params)}" if params else "")

        def get() -> Seen:
            headers = {}
            if role in self.tokens:
                headers["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[role]}"
            response = self.clients["anonymous"].get(url, **headers)  # type: ignore[arg-type]
            return Seen(response.status_code, response.content.decode(errors="replace"))

        return self._remember((role, "api", url), get)

    def feed(self, role: str, url: str) -> Seen:
        """A feed reader does not log in: anonymous, or the person's token."""
        address = url + (f"?token={self.feed_tokens[role]}" if role in self.feed_tokens else "")

        def get() -> Seen:
            response = self.clients["anonymous"].get(address)
            return Seen(response.status_code, response.content.decode(errors="replace"))

        return self._remember((role, "feed", address), get)

    def export(self, slug: str) -> Seen:
        """``practica export SLUG PATH``, run once per community."""
        if slug not in self.exports:
            self.requests += 1
            with tempfile.TemporaryDirectory(prefix="authz-export-") as folder:
                path = Path(folder) / f"{slug}.jsonl"
                call_command("export", slug, str(path), json=True, stdout=_Quiet())
                self.exports[slug] = path.read_text(encoding="utf-8")
        return Seen(200, self.exports[slug])

    def download(self, role: str) -> Seen:
        """The person's own data download (a POST to ``/settings/data/download/``)."""

        def get() -> Seen:
            response = self.clients[role].post("/settings/data/download/")
            return Seen(response.status_code, response.content.decode(errors="replace"))

        return self._remember((role, "download", "/settings/data/download/"), get)


class _Quiet:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None


def _pages(
    f: Fetcher,
    channel: str,
    *urls: str,
    detail_first: bool = False,
    absent_only: bool = False,
    missing: str | None = None,
) -> list[Probe]:
    """Probes of pages; with ``detail_first``, the first is one object's own page and
    ``missing`` the same page for an object that does not exist."""
    twin = (lambda role: f.page(role, missing)) if missing else None
    return [
        Probe(
            channel,
            f"GET {url}",
            (lambda role, u=url: f.page(role, u)),  # type: ignore[misc]
            detail=detail_first and n == 0,
            absent_only=absent_only,
            twin=twin if detail_first and n == 0 else None,
        )
        for n, url in enumerate(urls)
    ]


def _compass(f: Fetcher, slug: str) -> list[Probe]:
    """The compass page and API carry its detail; the CSV and HTML report never do.

    The report (a second of matplotlib) is asked as the steward, who sees the detail,
    and a member, who sees the aggregates; the page and API are asked as everyone.
    """
    report = f"/c/{slug}/compass/report.html"
    return [
        *_pages(f, "compass", f"/c/{slug}/compass/"),
        _api(f, f"/communities/{slug}/compass", channel="compass"),
        *_pages(f, "compass", f"/c/{slug}/compass/series.csv", absent_only=True),
        Probe(
            "compass",
            f"GET {report}",
            lambda role: f.page(role, report),
            absent_only=True,
            roles=frozenset({"steward", "member"}),
        ),
    ]


def _api(
    f: Fetcher,
    path: str,
    *,
    detail: bool = False,
    channel: str = "api",
    absent_only: bool = False,
    missing: str | None = None,
    **params: object,
) -> Probe:
    shown = path + (f"?{urlencode(params)}" if params else "")
    scoped = path.startswith(("/communities/", "/threads/", "/experiments/", "/practices/"))
    return Probe(
        channel,
        f"GET /api/v1{shown}",
        lambda role: f.api(role, path, **params),
        detail=detail,
        scoped_api=scoped,
        absent_only=absent_only,
        twin=(lambda role: f.api(role, missing)) if missing else None,
    )


def _feed(f: Fetcher, url: str, *, detail: bool = False, missing: str | None = None) -> Probe:
    return Probe(
        "feeds",
        f"GET {url} (personal token; none for anonymous)",
        lambda role: f.feed(role, url),
        detail=detail,
        twin=(lambda role: f.feed(role, missing)) if missing else None,
    )


def _exports(f: Fetcher, slug: str) -> Probe:
    def fetch(role: str) -> Seen:
        return f.export(slug) if role == "operator" else f.download(role)

    return Probe(
        "exports", f"practica export {slug} (operator) / GET /settings/data/download/", fetch
    )


def targets(world: World, f: Fetcher) -> list[Target]:
    """Every object of the world with its probes on every channel that carries it."""
    found: list[Target] = []
    for slug in COMMUNITIES:
        found += _community_targets(world, f, slug)
        for name in PLACES:
            found += _place_targets(world, f, slug, name)
    return found


def _community_targets(world: World, f: Fetcher, slug: str) -> list[Target]:
    community = world.communities[slug]
    out = []
    card = Target(Subject("community", slug), f"community {slug}", (marker("community", slug),))
    card.probes += _pages(f, "page", f"/c/{slug}/")
    card.probes += [_api(f, f"/communities/{slug}"), _api(f, "/communities")]
    card.probes.append(_exports(f, slug))
    out.append(card)

    experiment = world.experiments[slug]
    exp = Target(
        Subject("experiment", slug), f"experiment in {slug}", (marker("experiment", slug),)
    )
    exp.probes += _pages(
        f,
        "page",
        f"/c/{slug}/experiments/{experiment.pk}/",
        f"/c/{slug}/experiments/",
        detail_first=True,
        missing=f"/c/{slug}/experiments/{MISSING}/",
    )
    exp.probes += [
        _api(f, f"/experiments/{experiment.pk}", detail=True, missing=f"/experiments/{MISSING}"),
        _api(f, f"/communities/{slug}/experiments"),
    ]
    out.append(exp)

    practice = world.practices[slug]
    prac = Target(Subject("practice", slug), f"practice in {slug}", (marker("practice", slug),))
    prac.probes += _pages(
        f,
        "page",
        f"/c/{slug}/practices/{practice.pk}/",
        f"/c/{slug}/practices/",
        detail_first=True,
        missing=f"/c/{slug}/practices/{MISSING}/",
    )
    prac.probes += [
        _api(f, f"/practices/{practice.pk}", detail=True, missing=f"/practices/{MISSING}"),
        _api(f, f"/communities/{slug}/practices"),
    ]
    out.append(prac)

    for survey, title, met in (
        (world.surveys[slug], "pulse", True),
        (world.thin_surveys[slug], "thin", False),
    ):
        shared = Target(
            Subject("survey result", slug, threshold_met=met),
            f"{title} survey's shared story in {slug}",
            (marker("surveyshared", slug, title),),
        )
        results = f"/c/{slug}/surveys/{survey.pk}/results/"
        shared.probes += _pages(f, "page", results)
        shared.probes.append(_api(f, f"/surveys/{survey.pk}/results"))
        out.append(shared)
    survey = world.surveys[slug]
    for username in ("sage", "newcomer", "member", "circle_member", "steward", "suspended"):
        story = marker("surveystory", slug, username)
        answer = Target(
            Subject("survey result", slug, owner=username),
            f"{username}'s own survey answer in {slug}",
            (story,),
        )
        answer.probes += _pages(f, "page", f"/c/{slug}/surveys/{survey.pk}/results/")
        answer.probes.append(_api(f, f"/surveys/{survey.pk}/results"))
        out.append(answer)
        page = Target(
            Subject("survey result", slug, owner=username, audience="self"),
            f"{username}'s own survey answer in {slug} (on the survey's page)",
            (story,),
            only=frozenset({"page"}),
        )
        page.probes += _pages(f, "page", f"/c/{slug}/surveys/{survey.pk}/")
        out.append(page)
        own = Target(
            Subject("export", slug, owner=username),
            f"{username}'s own survey answer in {slug} (their data)",
            (story,),
        )
        own.probes.append(_exports(f, slug))
        out.append(own)

    compass_probes = _compass(f, slug)
    for owner, name in (("rowan", ROWAN_NAME), ("quill", QUILL_NAME)):
        person = Target(
            Subject("compass detail", slug, owner=owner),
            f"{owner} named in {slug}'s compass",
            (name,),
            list(compass_probes),
        )
        out.append(person)

    asking = world.join_requests[slug]
    request = Target(
        Subject("join request", slug),
        f"{asking.username}'s request to join {slug}",
        (asking.username,),
    )
    request.probes += _pages(f, "page", f"/c/{slug}/members/")
    request.probes += [
        _api(f, f"/communities/{slug}/members", detail=True, status="pending"),
        # The list of active members never carries a request, whoever asks.
        _api(f, f"/communities/{slug}/members", absent_only=True),
    ]
    request.probes.append(_exports(f, slug))
    out.append(request)

    feed = Target(Subject("feed", slug), f"{slug}'s community feed", (community.name,))
    feed.probes.append(
        _feed(f, f"/c/{slug}/feed.atom", detail=True, missing="/c/no-such-community/feed.atom")
    )
    out.append(feed)
    return out


def _place_targets(world: World, f: Fetcher, slug: str, name: str) -> list[Target]:
    place = world.places[(slug, name)]
    where = f"{slug}/{name}"
    thread, reply, story = place.thread, place.reply, place.story
    experiment, practice = world.experiments[slug], world.practices[slug]
    out: list[Target] = []

    if place.circle is not None:
        circle = Target(
            Subject("circle", slug, name),
            f"circle {where}",
            (marker("circle", slug, name), marker("circlename", slug, name)),
        )
        circle.probes += _pages(
            f,
            "page",
            f"/c/{slug}/circles/{place.circle.slug}/",
            f"/c/{slug}/circles/",
            detail_first=True,
            missing=f"/c/{slug}/circles/no-such-circle/",
        )
        circle.probes.append(_api(f, f"/communities/{slug}/circles"))
        circle.probes.append(_exports(f, slug))
        circle.probes += _pages(f, "notifications", "/notifications/")
        circle.probes.append(_api(f, "/notifications", channel="notifications"))
        out.append(circle)

    for kind, item in (("thread", thread), ("story", story)):
        mark, query = marker(kind, slug, name), key("place", slug, name)
        target = Target(Subject(kind, slug, name), f"{kind} {where} (#{item.pk})", (mark,))
        lists = [f"/c/{slug}/"]
        if place.circle is not None:
            lists.append(f"/c/{slug}/circles/{place.circle.slug}/")
        if name != "hidden":
            lists += [
                f"/c/{slug}/experiments/{experiment.pk}/",
                f"/c/{slug}/practices/{practice.pk}/",
                f"/c/{slug}/learning-agenda/",
            ]
        target.probes += _pages(
            f,
            "page",
            f"/c/{slug}/t/{item.pk}/",
            *lists,
            detail_first=True,
            missing=f"/c/{slug}/t/{MISSING}/",
        )
        # Its history of edits: a page of its own, refused exactly like a missing thread's.
        target.probes += _pages(
            f,
            "page",
            f"/c/{slug}/t/{item.pk}/history/",
            detail_first=True,
            missing=f"/c/{slug}/t/{MISSING}/history/",
        )
        target.probes += [
            _api(f, f"/threads/{item.pk}", detail=True, missing=f"/threads/{MISSING}"),
            _api(f, f"/communities/{slug}/threads", limit=100),
            # The API cites evidence and inspirations by id: only absence is asserted.
            _api(f, f"/experiments/{experiment.pk}", absent_only=True),
            _api(f, f"/practices/{practice.pk}", absent_only=True),
            _api(f, f"/communities/{slug}/learning-agenda", absent_only=True),
        ]
        target.probes += _search(f, slug, query)
        target.probes += _pages(f, "suggestions", f"/c/{slug}/related/?q={query}")
        target.probes.append(
            _api(f, f"/communities/{slug}/related", channel="suggestions", q=query, k=50)
        )
        target.probes.append(_feed(f, f"/c/{slug}/feed.atom"))
        target.probes.append(_exports(f, slug))
        if kind == "thread":
            target.probes += _pages(f, "notifications", "/notifications/")
            target.probes.append(_api(f, "/notifications", channel="notifications"))
        out.append(target)

        if name == "chatham":
            listed = Target(
                Subject("profile", slug, name), f"{kind} {where} on its author's profile", (mark,)
            )
            listed.probes += _pages(f, "page", "/people/chatty/")
            listed.probes += _pages(f, "page", f"/c/{slug}/people/chatty/", absent_only=True)
            out.append(listed)

    if name in WREN_PLACES:
        out += _profile(f, world, slug, name)

    stewards = Subject("thread", slug, name, audience="stewards")
    queue = Target(
        stewards,
        f"thread {where} (#{thread.pk}) in the moderation queue (flagged, or hidden)",
        (marker("thread", slug, name),),
        only=frozenset({"page"}),
    )
    queue.probes += _pages(f, "page", f"/c/{slug}/moderation/")
    out.append(queue)
    if name != "hidden":
        audit = Target(
            stewards,
            f"the audit entries of a reply hidden and a reply edited by a steward in {where}",
            (marker("audit", slug, name), marker("auditedit", slug, name)),
            only=frozenset({"page"}),
        )
        audit.probes += _pages(f, "page", f"/c/{slug}/audit/")
        out.append(audit)

    tag = marker("tag", slug, name)
    tagged = Target(
        Subject("thread", slug, name),
        f"the tag of thread {where} (#{thread.pk})",
        (tag,),
        only=frozenset({"page", "api"}),
    )
    tagged.probes += _pages(
        f, "page", f"/c/{slug}/t/{thread.pk}/", f"/c/{slug}/", f"/c/{slug}/people/{wren(slug)}/"
    )
    tagged.probes += _pages(f, "page", f"/c/{slug}/people/", absent_only=True)
    tagged.probes += [
        _api(f, f"/threads/{thread.pk}"),
        _api(f, f"/communities/{slug}/threads", limit=100),
    ]
    # Wren answered only in WREN_PLACES: their expertise is absent elsewhere. A thread hidden
    # by moderation credits nobody's expertise, even to the stewards who still read it
    # (weaving.selectors.credited_threads); the general people list never shows tags.
    if name not in WREN_PLACES:
        tagged.probes = [p for p in tagged.probes if "/people/" not in p.where]
    elif name == "hidden":
        profile = f"/c/{slug}/people/{wren(slug)}/"
        tagged.probes = [p for p in tagged.probes if profile not in p.where]
        tagged.probes += _pages(f, "page", profile, absent_only=True)
    out.append(tagged)

    answerer = {"chatham": "chatty", "confidential": "quill"}.get(name, "rowan")
    answer = Target(
        Subject("reply", slug, name), f"reply {where} (#{reply.pk})", (marker("reply", slug, name),)
    )
    _reply_probes(
        f,
        answer,
        slug,
        thread.pk,
        key("reply", slug, name),
        world.people[answerer].name,
        edited=name != "hidden",  # a steward edited every place's reply but the hidden one's
    )
    out.append(answer)
    if name == "none":
        hidden = world.hidden_replies[slug]
        spam = Target(
            Subject("reply", slug, "hidden", owner="moderated"),
            f"hidden reply in {slug}/none (#{hidden.pk})",
            (marker("hiddenreply", slug),),
        )
        _reply_probes(
            f, spam, slug, thread.pk, key("hiddenreply", slug), ROWAN_NAME, search_page=True
        )
        out.append(spam)

    unanswered = Target(
        Subject("compass detail", slug, name),
        f"unanswered question {where} (#{place.unanswered.pk}) in the compass",
        (marker("unanswered", slug, name),),
        _compass(f, slug),
    )
    out.append(unanswered)

    if name == "chatham":
        out.append(_attribution(f, slug, where, thread.pk, story.pk))
    return out


def _profile(f: Fetcher, world: World, slug: str, name: str) -> list[Target]:
    """A person's thread and reply in this place, as their profiles list them."""
    note, answer = world.wren_posts[(slug, name)]
    username = wren(slug)
    # The community's person page shows counts and tags, never titles: absence only.
    pages = [
        *_pages(f, "page", f"/people/{username}/"),
        *_pages(f, "page", f"/c/{slug}/people/{username}/", absent_only=True),
    ]
    thread = Target(
        Subject("profile", slug, name),
        f"{username}'s thread {slug}/{name} (#{note.pk}) on their profile",
        (marker("profile", slug, name),),
    )
    thread.probes += pages
    reply = Target(
        Subject("profile", slug, name),
        f"{username}'s reply {slug}/{name} (#{answer.pk}) on their profile",
        (marker("profilereply", slug, name), marker("thread", slug, name)),
    )
    reply.probes += pages
    return [thread, reply]


def _search(f: Fetcher, slug: str, query: str) -> list[Probe]:
    return [
        *_pages(f, "search", f"/c/{slug}/search/?q={query}"),
        _api(f, f"/communities/{slug}/search", channel="search", q=query, limit=100),
    ]


def _attribution(f: Fetcher, slug: str, where: str, thread_id: int, story_id: int) -> Target:
    """The Chatham House author's name wherever the circle's words travel."""
    named = Target(
        Subject("attribution", slug, where.split("/")[1]),
        f"the Chatham House author in {where}",
        (CHATTY_NAME, "@chatty", '"chatty"', "/people/chatty/"),
    )
    named.probes += _pages(
        f,
        "page",
        f"/c/{slug}/t/{thread_id}/",
        f"/c/{slug}/t/{thread_id}/history/",
        f"/c/{slug}/t/{story_id}/",
        f"/c/{slug}/",
        f"/c/{slug}/circles/chatham-circle/",  # its member list: only inside the circle
    )
    named.probes += [
        _api(f, f"/threads/{thread_id}"),
        _api(f, f"/threads/{story_id}"),
        _api(f, f"/communities/{slug}/threads", limit=100),
    ]
    named.probes += _search(f, slug, key("place", slug, "chatham"))
    named.probes += _by_author(f, slug, key("place", slug, "chatham"), "chatty")
    named.probes += _experts(f, slug, key("reply", slug, "chatham"), CHATTY_NAME, CHATTY_NAME)
    named.probes += [
        _feed(f, f"/c/{slug}/feed.atom"),
        _feed(f, f"/c/{slug}/t/{thread_id}/feed.atom"),
    ]

    def exported_authors(role: str) -> Seen:
        """The authors of the circle's threads and replies in ``practica export``."""
        seen = f.export(slug)
        authors = []
        for line in seen.text.splitlines():
            record = json.loads(line)
            text = json.dumps(record)
            if "chatham" in text and record.get("author") == "chatty":
                authors.append(CHATTY_NAME)
        return Seen(seen.status, " ".join(authors))

    named.probes.append(
        Probe("exports", f"practica export {slug}: authors of its records", exported_authors)
    )
    return named


def _reply_probes(
    f: Fetcher,
    target: Target,
    slug: str,
    thread_id: int,
    query: str,
    answerer: str,
    *,
    search_page: bool = False,
    edited: bool = False,
) -> None:
    """A reply's probes. Searching its words goes through the API (the page renders the
    same selector's hits, checked with the places' keys), and also through the page for
    the replies hidden by moderation, whose filter is their own."""
    mark = target.needles[0]
    target.probes += _pages(f, "page", f"/c/{slug}/t/{thread_id}/")
    if edited:  # the thread's history holds the reply's earlier words
        target.probes += _pages(f, "page", f"/c/{slug}/t/{thread_id}/history/")
    target.probes.append(_api(f, f"/threads/{thread_id}"))
    searches = _search(f, slug, query)
    target.probes += searches if search_page else searches[1:]
    target.probes += _experts(f, slug, query, answerer, mark)
    target.probes.append(_feed(f, f"/c/{slug}/t/{thread_id}/feed.atom"))
    target.probes.append(_exports(f, slug))


def _by_author(f: Fetcher, slug: str, query: str, username: str) -> list[Probe]:
    """Searching by author: finding the circle's threads would say who wrote them."""
    words = (marker("thread", slug, "chatham"), marker("story", slug, "chatham"))

    def found(seen: Seen) -> Seen:
        return Seen(seen.status, CHATTY_NAME if any(w in seen.text for w in words) else "")

    page = f"/c/{slug}/search/?q={query}&author={username}"
    return [
        Probe("search", f"GET {page}", lambda role: found(f.page(role, page))),
        Probe(
            "search",
            f"GET /api/v1/communities/{slug}/search?q={query}&author={username}",
            lambda role: found(
                f.api(role, f"/communities/{slug}/search", q=query, author=username, limit=100)
            ),
            scoped_api=True,
        ),
    ]


def _experts(f: Fetcher, slug: str, query: str, answerer: str, mark: str) -> list[Probe]:
    """Who knows, asked with a reply's own words: does it name the reply's author?"""
    return [
        Probe(
            "suggestions",
            f"GET /c/{slug}/experts/?q={query} (needle: {answerer})",
            lambda role: _named(f.page(role, f"/c/{slug}/experts/?q={query}"), answerer, mark),
        ),
        Probe(
            "suggestions",
            f"GET /api/v1/communities/{slug}/experts?q={query} (needle: {answerer})",
            lambda role: _named(
                f.api(role, f"/communities/{slug}/experts", q=query, k=50), answerer, mark
            ),
            scoped_api=True,
        ),
    ]


def _named(seen: Seen, name: str, mark: str) -> Seen:
    """An experts answer reveals the reply when it names its author (or quotes it)."""
    revealed = name in seen.text or mark in seen.text
    return Seen(seen.status, mark if revealed else "")
