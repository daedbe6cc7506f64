"""The two standard tasks, built from a dump's labels (read by the harness only).

lived_before follows CQADupStack: every PostLinks pair (related or duplicate)
between two questions; the newer question's title and body is the query, the
older question is relevant, and the corpus is every other question.

who_knows follows TUEF: questions in date order, the last 20% are the test
questions, the author of the accepted answer is the relevant person, and the
candidates are the people who answered at least once before the first test
question (never the asker). Only data from before the test period is evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from practica.weaving.engine.records import Corpus, ThreadDoc
from practica.weaving.evaluation.sedump import LinkPair

TEST_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class LivedBeforeQuery:
    thread: ThreadDoc
    relevant: frozenset[int]


@dataclass(slots=True)
class WhoKnowsTask:
    cutoff: datetime
    train: Corpus
    candidates: frozenset[int]
    queries: list[tuple[ThreadDoc, int]] = field(default_factory=list)
    # Test questions whose accepted answerer never answered before: no ranking can find them.
    unreachable: int = 0
    without_accepted: int = 0


def lived_before_queries(corpus: Corpus, links: list[LinkPair]) -> list[LivedBeforeQuery]:
    threads = {t.key: t for t in corpus.threads}
    relevant: dict[int, set[int]] = defaultdict(set)
    for link in links:
        a, b = threads.get(link.from_post), threads.get(link.to_post)
        if a is None or b is None or a.key == b.key:
            continue
        newer, older = (a, b) if (a.created_at, a.key) > (b.created_at, b.key) else (b, a)
        relevant[newer.key].add(older.key)
    return [
        LivedBeforeQuery(thread=threads[key], relevant=frozenset(found))
        for key, found in sorted(relevant.items())
    ]


def who_knows_task(corpus: Corpus, *, test_share: float = TEST_SHARE) -> WhoKnowsTask:
    ordered = sorted(corpus.threads, key=lambda t: (t.created_at, t.key))
    first_test = int(len(ordered) * (1 - test_share))
    cutoff = ordered[first_test].created_at
    train = corpus.before(cutoff)
    candidates = frozenset(
        r.author for r in train.replies if r.kind == "answer" and r.author is not None
    )
    author_of = {r.key: r.author for r in corpus.replies}
    task = WhoKnowsTask(cutoff=cutoff, train=train, candidates=candidates)
    for thread in ordered[first_test:]:
        expert = author_of.get(thread.accepted_reply) if thread.accepted_reply else None
        if expert is None:
            task.without_accepted += 1
        elif expert not in candidates or expert == thread.author:
            task.unreachable += 1
        else:
            task.queries.append((query_only(thread), expert))
    return task


def query_only(thread: ThreadDoc) -> ThreadDoc:
    """The question as the asker wrote it: no acceptance, nothing learned afterwards."""
    return ThreadDoc(
        key=thread.key,
        title=thread.title,
        body=thread.body,
        created_at=thread.created_at,
        kind=thread.kind,
        author=thread.author,
        source_id=thread.source_id,
    )


def accepted_later(accepted_on: dict[int, datetime], moment: datetime) -> set[int]:
    """Questions whose acceptance was not yet made at ``moment``: those accepted on its day
    or after (a vote has a day only, so the day itself counts as later)."""
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return {question for question, when in accepted_on.items() if when >= day}
