"""Who knows: people ranked for a text by what they actually did.

For a question, the threads that lived it before (``RelatedIndex``) vote for
the people who contributed to them: an answer counts, an accepted one more,
a story told counts like an answer, a comment a little, and every
acknowledgement adds. The topical vote is combined with how active the
person has been lately (people who left cannot answer) and with their
record of accepted answers, on a log scale. The weights were fitted on the earlier
periods of the evaluation dumps (see docs/weaving.md), never on test questions.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from practica.weaving.engine.records import Corpus
from practica.weaving.engine.related import Query, RelatedIndex

SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class ExpertWeights:
    vote: float = 1.0
    activity: float = 3.0
    # The record counts accepted answers, not answers (chosen on the training periods'
    # rolling windows, see docs/weaving.md).
    answers: float = 0.0
    accepted: float = 0.5
    momentum: float = 0.0
    # How many similar threads vote, and what each kind of contribution is worth.
    neighbours: int = 100
    accepted_bonus: float = 1.0
    comment_value: float = 0.2
    story_value: float = 1.0
    acknowledgement_value: float = 0.5
    # Recent activity fades with this time constant (days).
    activity_days: float = 60.0
    # Momentum: the same with a short memory, which lifts people who just arrived.
    momentum_days: float = 14.0


DEFAULT_WEIGHTS = ExpertWeights()

ANSWER, COMMENT, STORY, QUESTION = 0, 1, 2, 3
NO_REPLY = -1


@dataclass(frozen=True, slots=True)
class ExpertHit:
    person: int
    score: float
    why: str
    answered: int
    accepted: int
    acknowledged: int
    stories: int


class ExpertIndex:
    """Contributions of every person as flat arrays, for vectorised scoring."""

    def __init__(
        self,
        corpus: Corpus,
        *,
        now: datetime,
        related: RelatedIndex | None = None,
        weights: ExpertWeights = DEFAULT_WEIGHTS,
    ) -> None:
        self.weights = weights
        self.related = related or RelatedIndex(corpus)
        system = {p.key for p in corpus.people if p.is_system}
        accepted = {t.accepted_reply for t in corpus.threads if t.accepted_reply is not None}
        position = self.related.position
        # (thread position, person, kind, accepted, acknowledgements, time, reply or NO_REPLY)
        rows: list[tuple[int, int, int, bool, int, float, int]] = []
        for thread in corpus.threads:
            if thread.author is None or thread.author in system:
                continue
            kind = STORY if thread.kind == "story" else QUESTION
            rows.append(
                (
                    position[thread.key],
                    thread.author,
                    kind,
                    False,
                    0,
                    _ts(thread.created_at),
                    NO_REPLY,
                )
            )
        for reply in corpus.replies:
            if reply.author is None or reply.author in system or reply.thread not in position:
                continue
            kind = ANSWER if reply.kind == "answer" else COMMENT
            rows.append(
                (
                    position[reply.thread],
                    reply.author,
                    kind,
                    reply.key in accepted,
                    reply.acknowledgements,
                    _ts(reply.created_at),
                    reply.key,
                )
            )
        self.people = np.array(sorted({r[1] for r in rows}), dtype=np.int64)
        person_pos = {int(p): i for i, p in enumerate(self.people)}
        self.c_thread = np.array([r[0] for r in rows], dtype=np.int64)
        self.c_person = np.array([person_pos[r[1]] for r in rows], dtype=np.int64)
        self.c_kind = np.array([r[2] for r in rows], dtype=np.int8)
        self.c_accepted = np.array([r[3] for r in rows], dtype=bool)
        self.c_acks = np.array([r[4] for r in rows], dtype=np.float32)
        ages = (_ts(now) - np.array([r[5] for r in rows], dtype=np.float64)) / SECONDS_PER_DAY
        self.c_recency = np.exp(-np.clip(ages, 0, None) / weights.activity_days)
        self.c_momentum = np.exp(-np.clip(ages, 0, None) / weights.momentum_days)
        self.c_last = np.array([r[5] for r in rows], dtype=np.float64)
        self.c_reply = np.array([r[6] for r in rows], dtype=np.int64)
        # Each person's contributions, in order, without a scan per explanation.
        self._by_person = np.argsort(self.c_person, kind="stable")
        self._person_start = np.searchsorted(
            self.c_person[self._by_person], np.arange(len(self.people) + 1)
        )
        # Each thread's contributions, so a query's vote reads only its nearest threads'.
        self._by_thread = np.argsort(self.c_thread, kind="stable")
        self._thread_start = np.searchsorted(
            self.c_thread[self._by_thread], np.arange(len(self.related) + 1)
        )
        self._priors: OrderedDict[object, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._priors_lock = threading.Lock()
        self.c_value = self._values()
        self.tags = [t.tags for t in corpus.threads]

    def _values(self) -> np.ndarray:
        w = self.weights
        value = np.zeros(len(self.c_kind), dtype=np.float32)
        value[self.c_kind == ANSWER] = 1.0
        value[self.c_kind == COMMENT] = w.comment_value
        value[self.c_kind == STORY] = w.story_value
        value += w.accepted_bonus * self.c_accepted + w.acknowledgement_value * self.c_acks
        return value

    def _sum(self, weights: np.ndarray) -> np.ndarray:
        return np.bincount(self.c_person, weights=weights, minlength=len(self.people))

    def contributions_visible(
        self, allowed: np.ndarray, hidden_replies: np.ndarray | None = None
    ) -> np.ndarray:
        """Per contribution: its thread is ``allowed`` and it is not one of ``hidden_replies``
        (sorted reply keys)."""
        visible = allowed[self.c_thread]
        if hidden_replies is not None and len(hidden_replies):
            visible &= ~np.isin(self.c_reply, hidden_replies)
        return visible

    def priors(
        self, visible: np.ndarray | None, *, key: object = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """What does not depend on the question, from the ``visible`` contributions: per
        person activity, answers, accepted answers and momentum (columns), and whether they
        answered or told a story at all. Kept under ``key`` (the caller's name for
        ``visible``) when one is given."""
        if key is not None:
            with self._priors_lock:
                found = self._priors.get(key)
            if found is not None:
                return found
        if visible is None:
            visible = np.ones(len(self.c_thread), dtype=bool)
        is_answer = (self.c_kind == ANSWER) & visible
        gives = ((self.c_kind == ANSWER) | (self.c_kind == STORY)) & visible
        columns = np.column_stack(
            [
                self._sum(self.c_recency * visible),
                self._sum(is_answer.astype(np.float32)),
                self._sum((is_answer & self.c_accepted).astype(np.float32)),
                self._sum(self.c_momentum * visible),
            ]
        )
        found = (columns, self._sum(gives.astype(np.float32)) > 0)
        if key is not None:
            with self._priors_lock:
                self._priors[key] = found
                while len(self._priors) > 64:
                    self._priors.popitem(last=False)
        return found

    def features(
        self,
        query: Query,
        *,
        allowed: np.ndarray | None = None,
        visible: np.ndarray | None = None,
        priors_key: object = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per person: vote, activity, answers, accepted, momentum; and each thread's weight.

        ``allowed`` (per thread) and ``visible`` (per contribution, see
        ``contributions_visible``) limit what may count.
        """
        scores = self.related.scores(query)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
            if visible is None:
                visible = allowed[self.c_thread]
        near = np.zeros(len(scores), dtype=np.float32)
        vote: np.ndarray = np.zeros(len(self.people), dtype=np.float64)
        n = min(self.weights.neighbours, len(scores))
        if n:
            best = np.argpartition(-scores, n - 1)[:n]
            top = float(scores[best].max())
            if top > 0:
                near[best] = np.clip(scores[best], 0, None) / top
                mine = self._of_threads(best)
                if visible is not None:
                    mine = mine[visible[mine]]
                vote = np.bincount(
                    self.c_person[mine],
                    weights=near[self.c_thread[mine]] * self.c_value[mine],
                    minlength=len(self.people),
                )
        priors, _ = self.priors(visible, key=priors_key)
        return np.column_stack([vote, priors]), near

    def _of_threads(self, positions: np.ndarray) -> np.ndarray:
        """The contributions (indexes) made in the threads at ``positions``."""
        starts = self._thread_start[positions]
        lengths = self._thread_start[positions + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(0, dtype=np.int64)
        offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return self._by_thread[np.repeat(starts, lengths) + offsets]

    def scores(self, features: np.ndarray) -> np.ndarray:
        return log_linear(features, self.weights)

    def rank(
        self,
        query: Query,
        *,
        k: int = 10,
        allowed: np.ndarray | None = None,
        visible: np.ndarray | None = None,
        candidates: np.ndarray | None = None,
        exclude: frozenset[int] = frozenset(),
        keep: Callable[[list[int]], Collection[int]] | None = None,
        priors_key: object = None,
    ) -> list[ExpertHit]:
        """The ``k`` people who most likely know, among ``candidates`` (a mask over people).

        Without a mask, a candidate is anyone who answered or told a story in
        an allowed thread. Nothing outside ``allowed`` threads and ``visible``
        contributions counts, nor shows in the explanation. ``keep`` (people ids to
        those that may be suggested, such as active members) is asked about the best
        ones in batches, before any is explained.
        """
        if visible is None and allowed is not None:
            visible = allowed[self.c_thread]
        features, near = self.features(
            query, allowed=allowed, visible=visible, priors_key=priors_key
        )
        if candidates is None:
            candidates = self.priors(visible, key=priors_key)[1]
        ok = candidates & (features[:, 0] > 0)
        if exclude:
            wanted = np.array(sorted(exclude), dtype=np.int64)
            at = np.clip(np.searchsorted(self.people, wanted), 0, max(len(self.people) - 1, 0))
            ok[at[self.people[at] == wanted]] = False
        found = np.flatnonzero(ok)
        scores = self.scores(features)
        # Best first; ties go to the smaller id, so results are stable.
        order = found[np.lexsort((self.people[found], -scores[found]))]
        chosen: list[int] = []
        start, batch = 0, max(2 * k, 1)
        while len(chosen) < k and start < len(order):
            part = [int(i) for i in order[start : start + batch]]
            start += batch
            batch *= 4
            ids = [int(self.people[i]) for i in part]
            kept = set(keep(ids)) if keep is not None else set(ids)
            chosen += [i for i, person in zip(part, ids, strict=True) if person in kept]
        return [self._hit(i, float(scores[i]), near, query, visible) for i in chosen[:k]]

    def rank_all(
        self, query: Query, *, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every person and their score (for evaluation, which applies its own candidates)."""
        features, _ = self.features(query, allowed=allowed)
        return self.people, self.scores(features)

    def _hit(
        self, i: int, score: float, near: np.ndarray, query: Query, visible: np.ndarray | None
    ) -> ExpertHit:
        mine = self._by_person[self._person_start[i] : self._person_start[i + 1]]
        if visible is not None:
            mine = mine[visible[mine]]
        close = mine[near[self.c_thread[mine]] > 0]
        answered = int(np.sum(self.c_kind[close] == ANSWER))
        accepted = int(np.sum(self.c_accepted[close]))
        acks = int(self.c_acks[close].sum())
        stories = int(np.sum(self.c_kind[close] == STORY))
        topic = self._topic(close, query)
        parts = []
        if answered:
            parts.append(
                f"answered {answered} similar question{'s' if answered != 1 else ''}{topic}"
            )
        if accepted:
            parts.append(f"{accepted} accepted")
        if acks:
            parts.append(f"thanked {acks} time{'s' if acks != 1 else ''}")
        if stories:
            parts.append(f"told {stories} stor{'ies' if stories != 1 else 'y'}")
        total = int(np.sum(self.c_kind[mine] == ANSWER))
        if total > answered:
            parts.append(f"{total} answers in all")
        if len(mine):
            last = datetime.fromtimestamp(float(self.c_last[mine].max()), tz=UTC).date()
            parts.append(f"last active {last.isoformat()}")
        return ExpertHit(
            person=int(self.people[i]),
            score=score,
            why=", ".join(parts) or "took part in similar threads",
            answered=answered,
            accepted=accepted,
            acknowledged=acks,
            stories=stories,
        )

    def _topic(self, contributions: np.ndarray, query: Query) -> str:
        counts: Counter[str] = Counter()
        for position in set(self.c_thread[contributions].tolist()):
            counts.update(self.tags[position])
        if counts:
            return f" on {counts.most_common(1)[0][0]}"
        return ""


def log_linear(features: np.ndarray, w: ExpertWeights) -> np.ndarray:
    """Per person: vote, activity, answers, accepted and momentum, combined on a log scale."""
    coef = np.array([w.vote, w.activity, w.answers, w.accepted, w.momentum])
    return np.log1p(features) @ coef


def _ts(moment: datetime) -> float:
    return moment.timestamp()
