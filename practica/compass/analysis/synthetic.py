"""A synthetic community with realistic, heavy-tailed activity, for scale tests and benchmarks.

Pure and seeded: the same arguments give the same community. What makes it look
like a real one:

* activity per person follows a Pareto law (a few people write most of it);
* people arrive over the whole span and stay for a while (the long-staying are the
  most active), so there are newcomers, regulars and people who drift away;
* people belong to interest groups with their own tags, and reply mostly within
  their group: clusters, repeated pairs, and a few people who bridge groups;
* popular threads draw many replies (preferential attachment on threads);
* a third of replies are comments, half of them by the thread's author answering
  back, which gives reciprocity; askers accept answers and say thanks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from practica.compass.analysis.activity import (
    DAY,
    KIND_CODE,
    VERB_CODE,
    Activity,
)
from practica.compass.analysis.stats import distinct

SECTORS = ("public", "private", "nonprofit", "academic", "community", "health", "education")
DISCIPLINES = ("engineering", "design", "policy", "research", "operations", "care", "finance")
REGIONS = ("north", "south", "east", "west", "central", "islands")
ROLES = ("practitioner", "manager", "researcher", "student", "advisor")
PERSPECTIVE_VALUES = (SECTORS, DISCIPLINES, REGIONS, ROLES)

KIND_SHARES = {"question": 0.55, "ask": 0.10, "offer": 0.07, "story": 0.08, "discussion": 0.20}
COMMENT_SHARE = 0.33
ASKER_ANSWERS_BACK = 0.5
SAME_GROUP = 0.65
ACCEPT_SHARE = 0.55
THANKS_SHARE = 0.08
LINK_SHARE = 0.03
PROFILE_SHARE = 0.6


@dataclass(frozen=True)
class Synthetic:
    """Arrays of a generated community; indices refer to positions in the same arrays."""

    start: int
    people: int
    perspectives: np.ndarray  # (people, 4) codes into PERSPECTIVE_VALUES, -1 empty
    tag_names: tuple[str, ...]
    thread_author: np.ndarray
    thread_time: np.ndarray
    thread_kind: np.ndarray
    tag_thread: np.ndarray
    tag_code: np.ndarray
    #: Replies sorted so that every comment comes after the answer it is on.
    reply_thread: np.ndarray
    reply_parent: np.ndarray  # index of the parent reply, -1 for an answer
    reply_author: np.ndarray
    reply_time: np.ndarray
    accepted_reply: np.ndarray  # per thread, index of the accepted reply or -1
    accepted_time: np.ndarray
    thanks_person: np.ndarray
    thanks_reply: np.ndarray
    thanks_time: np.ndarray
    link_from: np.ndarray
    link_to: np.ndarray


def generate(
    *, people: int, interactions: int, seed: int, start: int = 1_577_836_800, days: int = 1095
) -> Synthetic:
    """``interactions`` replies among ``people`` over ``days`` from ``start`` (epoch seconds)."""
    if people < 2:
        raise ValueError("a synthetic community needs at least 2 people")
    if interactions < 1:
        raise ValueError("a synthetic community needs at least 1 interaction")
    rng = np.random.default_rng(seed)
    span = days * DAY
    weight = rng.pareto(1.2, people) + 1.0
    weight = np.minimum(weight, np.quantile(weight, 0.999) * 4)
    arrival = (rng.random(people) ** 0.8 * span).astype(np.int64)
    stay = rng.exponential(120 * DAY * np.sqrt(weight)).astype(np.int64) + DAY
    leave = np.minimum(arrival + stay, span)
    groups = max(1, people // 60)
    group = np.minimum((rng.pareto(1.0, people) * groups / 8).astype(np.int64), groups - 1)
    group = rng.permutation(groups)[group]
    tag_names = tuple(f"topic-{g}-{k}" for g in range(groups) for k in range(3)) + tuple(
        f"general-{k}" for k in range(10)
    )

    n_threads = max(1, interactions // 3)
    thread_author = _weighted(rng, weight, n_threads)
    thread_time = arrival[thread_author] + (
        rng.random(n_threads) * (leave[thread_author] - arrival[thread_author])
    ).astype(np.int64)
    kinds = list(KIND_SHARES)
    thread_kind = np.array([KIND_CODE[k] for k in kinds], dtype=np.int8)[
        rng.choice(len(kinds), n_threads, p=list(KIND_SHARES.values()))
    ]
    thread_group = group[thread_author]
    tag_thread, tag_code = _tags(rng, thread_group, len(tag_names), groups)

    popularity = rng.pareto(1.5, n_threads) + 0.2
    reply_thread = _weighted(rng, popularity, interactions)
    delay = np.minimum(rng.lognormal(10.5, 1.8, interactions), 120 * DAY).astype(np.int64)
    reply_time = np.minimum(thread_time[reply_thread] + delay, span - 1)
    order = np.lexsort((reply_time, reply_thread))
    reply_thread, reply_time = reply_thread[order], reply_time[order]
    reply_author = _repliers(
        rng, weight, group, thread_group[reply_thread], reply_time, arrival, leave
    )
    reply_parent, reply_author = _comments(rng, reply_thread, reply_author, thread_author)
    # Answers first, then comments, each in time order: a parent is always written first.
    order = np.lexsort((reply_time, reply_parent >= 0))
    position = np.empty_like(order)
    position[order] = np.arange(order.shape[0])
    reply_thread, reply_time, reply_author = (
        reply_thread[order],
        reply_time[order],
        reply_author[order],
    )
    reply_parent = np.where(
        reply_parent[order] >= 0, position[np.maximum(reply_parent[order], 0)], -1
    )

    accepted, accepted_time = _accepted(
        rng, thread_author, thread_kind, reply_thread, reply_parent, reply_author, reply_time
    )
    thanks = np.flatnonzero(
        (rng.random(interactions) < THANKS_SHARE) & (reply_author != thread_author[reply_thread])
    )
    link_from = np.flatnonzero(rng.random(n_threads) < LINK_SHARE)
    link_to = (rng.random(link_from.shape[0]) * link_from).astype(np.int64)
    keep = link_to != link_from
    perspectives = np.full((people, 4), -1, dtype=np.int32)
    has = rng.random(people) < PROFILE_SHARE
    for column, values in enumerate(PERSPECTIVE_VALUES):
        perspectives[has, column] = rng.integers(0, len(values), int(has.sum()))
    return Synthetic(
        start=start,
        people=people,
        perspectives=perspectives,
        tag_names=tag_names,
        thread_author=thread_author,
        thread_time=thread_time + start,
        thread_kind=thread_kind,
        tag_thread=tag_thread,
        tag_code=tag_code,
        reply_thread=reply_thread,
        reply_parent=reply_parent,
        reply_author=reply_author,
        reply_time=reply_time + start,
        accepted_reply=accepted,
        accepted_time=np.where(accepted_time >= 0, accepted_time + start, -1),
        thanks_person=thread_author[reply_thread[thanks]],
        thanks_reply=thanks,
        thanks_time=reply_time[thanks] + start + DAY // 2,
        link_from=link_from[keep],
        link_to=link_to[keep],
    )


def _weighted(rng: np.random.Generator, weight: np.ndarray, size: int) -> np.ndarray:
    cumulative = np.cumsum(weight)
    return np.searchsorted(cumulative, rng.random(size) * cumulative[-1], side="right").astype(
        np.int64
    )


def _tags(
    rng: np.random.Generator, thread_group: np.ndarray, n_tags: int, groups: int
) -> tuple[np.ndarray, np.ndarray]:
    n = thread_group.shape[0]
    own = np.asarray(thread_group * 3 + rng.integers(0, 3, n))
    second = np.asarray(thread_group * 3 + rng.integers(0, 3, n))
    general = np.asarray(rng.integers(0, 10, n) + groups * 3)
    has_second = rng.random(n) < 0.5
    has_general = rng.random(n) < 0.4
    threads = np.concatenate(
        [np.arange(n), np.flatnonzero(has_second), np.flatnonzero(has_general)]
    )
    codes = np.concatenate([own, second[has_second], general[has_general]])
    pairs = distinct(threads.astype(np.int64) * n_tags + codes)
    return pairs // n_tags, pairs % n_tags


def _repliers(
    rng: np.random.Generator,
    weight: np.ndarray,
    group: np.ndarray,
    reply_group: np.ndarray,
    reply_time: np.ndarray,
    arrival: np.ndarray,
    leave: np.ndarray,
) -> np.ndarray:
    """Mostly someone of the thread's group; otherwise anyone active at the time (by weight)."""
    n = reply_time.shape[0]
    author = np.empty(n, dtype=np.int64)
    # Within the group: a weighted pick inside the group's slice of people sorted by group.
    by_group = np.argsort(group, kind="stable")
    cumulative = np.cumsum(weight[by_group])
    sorted_group = group[by_group]
    groups = np.arange(int(group.max()) + 1)
    first = np.searchsorted(sorted_group, groups, side="left")
    last = np.searchsorted(sorted_group, groups, side="right") - 1
    floor = np.where(first > 0, cumulative[np.maximum(first - 1, 0)], 0.0)
    low, high = floor[reply_group], cumulative[np.maximum(last, 0)][reply_group]
    pick = np.searchsorted(cumulative, low + rng.random(n) * (high - low), side="right")
    author[:] = by_group[np.minimum(pick, by_group.shape[0] - 1)]
    # Anyone active: month by month, among the people present that month.
    anyone = rng.random(n) >= SAME_GROUP
    month = reply_time // (30 * DAY)
    for m in distinct(month[anyone]).tolist():
        rows = np.flatnonzero(anyone & (month == m))
        start, end = m * 30 * DAY, (m + 1) * 30 * DAY
        present = np.flatnonzero((arrival < end) & (leave >= start))
        if present.size == 0:
            present = np.arange(weight.shape[0])
        author[rows] = present[_weighted(rng, weight[present], rows.shape[0])]
    return author


def _comments(
    rng: np.random.Generator,
    reply_thread: np.ndarray,
    reply_author: np.ndarray,
    thread_author: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Turn a share of replies into comments on an earlier answer in the same thread; half of
    those are by the thread's author, answering back. Replies are sorted by thread and time."""
    n = reply_thread.shape[0]
    parent = np.full(n, -1, dtype=np.int64)
    is_comment = np.less(rng.random(n), COMMENT_SHARE)
    group_start = np.searchsorted(reply_thread, reply_thread, side="left")
    earlier = np.arange(n) - group_start
    is_comment &= earlier > 0
    # The parent: a random earlier reply of the thread, then its own parent if it is a comment.
    candidate = group_start + (rng.random(n) * np.maximum(earlier, 1)).astype(np.int64)
    chosen = np.flatnonzero(is_comment)
    parent[chosen] = candidate[chosen]
    # A comment on a comment goes to that comment's answer (pointer jumping; parents are
    # always earlier, so this ends).
    while True:
        nested = chosen[parent[parent[chosen]] >= 0]
        if nested.size == 0:
            break
        parent[nested] = parent[parent[nested]]
    author = reply_author.copy()
    back = is_comment & (parent >= 0) & (rng.random(n) < ASKER_ANSWERS_BACK)
    author[back] = thread_author[reply_thread[back]]
    return parent, author


def _accepted(
    rng: np.random.Generator,
    thread_author: np.ndarray,
    thread_kind: np.ndarray,
    reply_thread: np.ndarray,
    reply_parent: np.ndarray,
    reply_author: np.ndarray,
    reply_time: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Askers accept the first answer by someone else, for a share of their questions."""
    n_threads = thread_author.shape[0]
    accepted = np.full(n_threads, -1, dtype=np.int64)
    candidates = np.flatnonzero((reply_parent < 0) & (reply_author != thread_author[reply_thread]))
    order = candidates[np.lexsort((reply_time[candidates], reply_thread[candidates]))]
    threads, first = np.unique(reply_thread[order], return_index=True)
    asking = np.isin(thread_kind[threads], (KIND_CODE["question"], KIND_CODE["ask"]))
    lucky = asking & (rng.random(threads.shape[0]) < ACCEPT_SHARE)
    accepted[threads[lucky]] = order[first[lucky]]
    accepted_time = np.where(accepted >= 0, reply_time[np.maximum(accepted, 0)] + DAY // 4, -1)
    return accepted, accepted_time


def to_activity(s: Synthetic) -> Activity:
    """The activity the compass would read after ``generate`` wrote ``s`` to the database."""
    reply_target = np.where(
        s.reply_parent >= 0,
        s.reply_author[np.maximum(s.reply_parent, 0)],
        s.thread_author[s.reply_thread],
    )
    accepted = s.accepted_reply >= 0
    thread_ids = np.arange(1, s.thread_author.shape[0] + 1, dtype=np.int64)
    n_accept = int(accepted.sum())
    acc_threads = np.flatnonzero(accepted)
    event_actor = np.concatenate([s.thread_author[acc_threads], s.thanks_person]).astype(np.int32)
    event_target = np.concatenate(
        [s.reply_author[s.accepted_reply[acc_threads]], s.reply_author[s.thanks_reply]]
    ).astype(np.int32)
    event_verb = np.concatenate(
        [
            np.full(n_accept, VERB_CODE["accepted"], dtype=np.int8),
            np.full(s.thanks_person.shape[0], VERB_CODE["acknowledged"], dtype=np.int8),
        ]
    )
    event_time = np.concatenate([s.accepted_time[acc_threads], s.thanks_time]).astype(np.int64)
    real = event_actor != event_target
    return Activity(
        person_ids=np.arange(1, s.people + 1, dtype=np.int64),
        perspectives=s.perspectives.astype(np.int32),
        thread_ids=thread_ids,
        thread_author=s.thread_author.astype(np.int32),
        thread_time=s.thread_time.astype(np.int64),
        thread_kind=s.thread_kind.astype(np.int8),
        thread_resolved_time=s.accepted_time.astype(np.int64),
        reply_ids=np.arange(1, s.reply_thread.shape[0] + 1, dtype=np.int64),
        reply_thread=s.reply_thread.astype(np.int32),
        reply_author=s.reply_author.astype(np.int32),
        reply_target=reply_target.astype(np.int32),
        reply_time=s.reply_time.astype(np.int64),
        tag_names=s.tag_names,
        tag_thread=s.tag_thread.astype(np.int32),
        tag_code=s.tag_code.astype(np.int32),
        link_from=s.link_from.astype(np.int32),
        link_to=s.link_to.astype(np.int32),
        link_time=s.thread_time[s.link_from].astype(np.int64),
        event_actor=event_actor[real],
        event_target=event_target[real],
        event_verb=event_verb[real],
        event_time=event_time[real],
    )


__all__ = ["Synthetic", "generate", "to_activity"]
