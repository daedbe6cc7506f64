"""The rankers and the task constructions, on records made by hand (no database)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np

from practica.weaving.engine.experts import ExpertIndex
from practica.weaving.engine.records import Corpus, PersonDoc, ReplyDoc, ThreadDoc
from practica.weaving.engine.related import Query, RelatedIndex
from practica.weaving.engine.text import clean_text, terms
from practica.weaving.evaluation.sedump import LinkPair
from practica.weaving.evaluation.tasks import lived_before_queries, who_knows_task

DAY0 = datetime(2024, 1, 1, tzinfo=UTC)


def day(n: int) -> datetime:
    return DAY0 + timedelta(days=n)


def thread(key: int, title: str, body: str = "", *, on: int = 0, **kw: object) -> ThreadDoc:
    return ThreadDoc(key=key, title=title, body=body, created_at=day(on), **kw)  # type: ignore[arg-type]


def answer(key: int, to: int, author: int, body: str, *, on: int = 1) -> ReplyDoc:
    return ReplyDoc(key=key, thread=to, author=author, body=body, created_at=day(on))


def small_corpus() -> Corpus:
    return Corpus(
        threads=[
            thread(
                1,
                "Dry hopping with citra",
                "When to add citra hops?",
                author=9,
                tags=("hops",),
                accepted_reply=11,
            ),
            thread(
                2, "Stuck fermentation", "Yeast stopped after two days", author=9, tags=("yeast",)
            ),
            thread(
                3, "Bottle conditioning sugar", "How much priming sugar per litre?", author=9, on=2
            ),
        ],
        replies=[
            answer(11, 1, 5, "Add the citra hops after fermentation for aroma."),
            answer(12, 2, 6, "Warm the yeast and rouse it."),
            answer(13, 3, 6, "Use about six grams of sugar per litre."),
        ],
        people=[PersonDoc(key=k) for k in (5, 6, 9)],
    )


def test_cleaning_drops_markup_and_links_to_other_threads_but_keeps_the_words() -> None:
    html = (
        '<p>See <a href="https://beer.stackexchange.com/questions/12/why-ipa">Why IPA</a> '
        "and https://example.org/page. I &amp; my <b>hops</b>.</p>"
    )
    assert clean_text(html) == "See and I & my hops ."
    assert clean_text("[old one](/questions/4/old) says") == "says"


def test_terms_are_stemmed_and_without_stop_words() -> None:
    assert terms("The hops and the hopping") == ["hop", "hop"]


def test_related_ranks_the_thread_about_the_same_thing_first_and_says_why() -> None:
    index = RelatedIndex(small_corpus())
    hits = index.rank(Query.of("adding citra hops for aroma"), k=2)
    assert hits[0].key == 1
    assert "citra" in hits[0].why and "hops" in hits[0].why


def test_related_respects_the_allowed_mask_and_exclusions() -> None:
    index = RelatedIndex(small_corpus())
    allowed = np.array([False, True, True])
    query = Query.of("citra hops yeast sugar")
    assert 1 not in [h.key for h in index.rank(query, allowed=allowed)]
    assert 2 not in [h.key for h in index.rank(query, exclude=frozenset({2}))]


def test_a_query_with_no_known_word_finds_nothing() -> None:
    assert RelatedIndex(small_corpus()).rank(Query.of("zzyzx quux")) == []


def test_experts_put_the_person_who_answered_similar_questions_first() -> None:
    index = ExpertIndex(small_corpus(), now=day(3))
    hops = index.rank(Query.of("citra hops aroma"), k=3)
    assert hops[0].person == 5
    assert hops[0].answered == 1 and hops[0].accepted == 1
    assert "answered 1 similar question on hops" in hops[0].why
    assert index.rank(Query.of("yeast fermentation stuck"), k=1)[0].person == 6


def test_experts_leave_out_the_excluded_and_judge_only_from_allowed_threads() -> None:
    index = ExpertIndex(small_corpus(), now=day(3))
    query = Query.of("citra hops aroma")
    assert 5 not in [h.person for h in index.rank(query, exclude=frozenset({5}))]
    hidden_hops = np.array([False, True, True])
    assert 5 not in [h.person for h in index.rank(query, allowed=hidden_hops)]


def test_lived_before_pairs_ask_with_the_newer_question_and_expect_the_older() -> None:
    corpus = small_corpus()
    links = [LinkPair(1, 3, 1), LinkPair(3, 2, 3), LinkPair(1, 99, 3)]
    queries = lived_before_queries(corpus, links)
    assert [(q.thread.key, set(q.relevant)) for q in queries] == [(3, {1, 2})]


def test_who_knows_tests_on_the_last_fifth_and_uses_only_what_came_before() -> None:
    threads = [thread(k, f"question {k}", on=k, author=100 + k, accepted_reply=1000 + k)
               for k in range(1, 11)]  # fmt: skip
    replies = [answer(1000 + k, k, 7 if k % 2 else 8, "an answer", on=k) for k in range(1, 11)]
    task = who_knows_task(Corpus(threads=threads, replies=replies))
    assert task.cutoff == day(9)
    assert [t.key for t, _ in task.queries] == [9, 10]
    assert [expert for _, expert in task.queries] == [7, 8]
    assert all(t.accepted_reply is None for t, _ in task.queries)
    assert max(r.created_at for r in task.train.replies) < task.cutoff
    assert task.candidates == frozenset({7, 8})


def fake_encoder(meanings: dict[str, list[float]]) -> Callable[[list[str]], np.ndarray]:
    """Texts to unit vectors by keyword: enough to check how the scores are fused."""

    def encode(texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            vector = np.array(
                next((v for word, v in meanings.items() if word in text.lower()), [0, 0, 0, 1.0]),
                dtype=np.float32,
            )
            rows.append(vector / np.linalg.norm(vector))
        return np.array(rows)

    return encode


def test_sentence_vectors_find_a_thread_that_shares_no_word_with_the_query() -> None:
    corpus = small_corpus()
    encode = fake_encoder(
        {"sugar": [1, 0, 0, 0], "sweet": [1, 0, 0, 0], "yeast": [0, 1, 0, 0], "citra": [0, 0, 1, 0]}
    )
    vectors = encode([f"{t.title} {t.body}" for t in corpus.threads])
    index = RelatedIndex(corpus, vectors=vectors, encode=encode)
    assert [h.key for h in index.rank(Query.of("sweet enough taste"))] == [3]
    assert RelatedIndex(corpus).rank(Query.of("sweet enough taste")) == []
    # Far in meaning and sharing no word: still nothing.
    assert index.rank(Query.of("zzyzx quux")) == []


def test_the_encoder_loads_from_the_installed_package_or_weaving_stays_lexical() -> None:
    from practica.weaving.engine.dense import load_encoder, model_dir

    encoder = load_encoder()
    if model_dir() is None:
        assert encoder is None
        return
    assert encoder is not None
    vectors = encoder.encode(["dry hopping with citra", "citra hops for aroma", "tax forms"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_development_windows_never_read_the_test_period() -> None:
    import pytest

    from practica.weaving.evaluation.windows import WINDOWS, record_grid, study, window

    threads = [thread(k, f"question {k}", on=k, author=100 + k, accepted_reply=1000 + k)
               for k in range(1, 11)]  # fmt: skip
    # Answers to questions 5 to 7 are written late, in the test period (from day 9).
    replies = [
        answer(1000 + k, k, 7 if k % 2 else 8, "an answer", on=k if k < 5 else 9 + k)
        for k in range(1, 11)
    ]
    corpus = Corpus(threads=threads, replies=replies)
    part = window(corpus, 0.2, 0.8)
    assert part.cutoff == day(3)
    assert [t.key for t, _ in part.queries] == [3, 4]  # 5-7 answered too late, 8+ are test
    assert max(r.created_at for r in part.train.replies) < part.cutoff
    with pytest.raises(ValueError):
        window(corpus, 0.6, 0.9)
    ranks = study(corpus, record_grid(), [(0.2, 0.8)])[(0.2, 0.8)]
    assert len(ranks["bm25"]) == 2 and all(len(v) == 2 for v in ranks.values())
    assert WINDOWS[-1][1] == 0.8


def test_acceptances_made_from_the_cutoff_on_are_not_evidence(tmp_path: object) -> None:
    from pathlib import Path

    from practica.weaving.evaluation.sedump import read_acceptance_days
    from practica.weaving.evaluation.tasks import accepted_later

    threads = [thread(k, f"question {k}", on=k, author=100 + k, accepted_reply=1000 + k)
               for k in range(1, 4)]  # fmt: skip
    corpus = Corpus(threads=threads, replies=[answer(1000 + k, k, 7, "a", on=k) for k in (1, 2, 3)])
    folder = Path(str(tmp_path))
    (folder / "Votes.xml").write_text(
        "<votes>"
        '<row Id="1" PostId="1001" VoteTypeId="1" CreationDate="2024-01-02T00:00:00.000" />'
        '<row Id="2" PostId="1002" VoteTypeId="1" CreationDate="2024-01-04T00:00:00.000" />'
        '<row Id="3" PostId="1003" VoteTypeId="2" CreationDate="2024-01-01T00:00:00.000" />'
        "</votes>"
    )
    days = read_acceptance_days(folder, corpus)
    assert set(days) == {1, 2}
    # At noon on 4 January, question 2's acceptance that day may not have happened yet.
    later = accepted_later(days, day(3).replace(hour=12))
    assert later == {2}
    kept = corpus.without_acceptances(later)
    assert [t.accepted_reply for t in kept.threads] == [1001, None, 1003]
    assert read_acceptance_days(folder / "nowhere", corpus) == {}
