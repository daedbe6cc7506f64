"""The metric code itself, on examples computed by hand."""

from __future__ import annotations

import math

import pytest

from practica.weaving.evaluation.metrics import (
    mean,
    ndcg_at,
    precision_at_1,
    recall_at,
    reciprocal_rank,
)


def test_ndcg_of_a_single_relevant_document_at_rank_three_is_one_over_log2_of_four() -> None:
    assert ndcg_at(["a", "b", "c"], {"c"}) == pytest.approx(0.5)


def test_ndcg_with_two_relevant_documents_normalises_by_the_ideal_order() -> None:
    # Relevant at ranks 1 and 3: (1 + 1/2) over the ideal (1 + 1/log2(3)).
    expected = (1 + 0.5) / (1 + 1 / math.log2(3))
    assert ndcg_at(["x", "y", "z"], {"x", "z"}) == pytest.approx(expected)
    assert ndcg_at(["x", "z", "y"], {"x", "z"}) == pytest.approx(1.0)


def test_ndcg_ignores_what_comes_after_the_cut_off() -> None:
    ranked = [str(i) for i in range(20)]
    assert ndcg_at(ranked, {"10"}, k=10) == 0.0
    assert ndcg_at(ranked, {"9"}, k=10) == pytest.approx(1 / math.log2(11))


def test_recall_counts_the_share_of_relevant_documents_found_in_the_first_k() -> None:
    assert recall_at(["a", "b", "c"], {"a", "c", "q", "r"}, k=2) == pytest.approx(0.25)
    assert recall_at([], {"a"}) == 0.0


def test_reciprocal_rank_and_precision_at_one() -> None:
    assert reciprocal_rank([7, 3, 9], {9}) == pytest.approx(1 / 3)
    assert reciprocal_rank([7, 3, 9], {4}) == 0.0
    assert precision_at_1([7, 3], {7}) == 1.0
    assert precision_at_1([3, 7], {7}) == 0.0
    assert mean([1.0, 0.5, 0.0]) == pytest.approx(0.5)


def test_the_ratio_interval_is_paired_and_holds_the_ratio() -> None:
    from practica.weaving.evaluation.harness import ratio_interval

    ours = [1.0, 0.5, 0.0, 1.0, 0.25, 0.5, 1.0, 0.0]
    base = [0.5, 0.5, 0.0, 0.5, 0.25, 0.25, 1.0, 0.0]
    low, high = ratio_interval(ours, base, resamples=2000, seed=3)
    assert low < sum(ours) / sum(base) < high
    assert ratio_interval(ours, base, resamples=2000, seed=3) == [low, high]
    # Paired: a system compared with itself has no spread at all.
    assert ratio_interval(ours, ours, resamples=500) == [1.0, 1.0]
