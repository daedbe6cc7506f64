"""The pure figures: known graphs, properties that must always hold, and the series
machinery (sliding windows, reused months) agreeing with direct computation."""

from __future__ import annotations

import igraph
import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practica.compass.analysis.activity import DAY, KIND_CODE, Activity, Window, month_start
from practica.compass.analysis.compute import Options, run
from practica.compass.analysis.derived import Derived
from practica.compass.analysis.graph import (
    ReplyGraph,
    approximate_betweenness,
    coreness,
    density,
    largest_component_share,
    leiden,
    reciprocity,
    repeated_pairs,
)
from practica.compass.analysis.rules import stage_of
from practica.compass.analysis.series import (
    first_changed_month,
    monthly_rows,
    months_of,
    stage_inputs,
)
from practica.compass.analysis.stats import blau, gini, top_share
from practica.compass.analysis.synthetic import generate, to_activity
from practica.compass.analysis.trailing import TrailingWindow

#: The machine is shared: slow input generation is not a failure of the code under test.
shared_machine = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60
)

edges_strategy = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=200
)


def karate() -> ReplyGraph:
    """Zachary's karate club, each friendship a reply both ways."""
    pairs = np.array(igraph.Graph.Famous("Zachary").get_edgelist(), dtype=np.int32)
    source = np.concatenate([pairs[:, 0], pairs[:, 1]])
    target = np.concatenate([pairs[:, 1], pairs[:, 0]])
    return ReplyGraph.from_replies(source, target)


# Statistics ------------------------------------------------------------------


def test_gini_is_zero_for_equal_shares_and_near_one_when_one_person_does_everything():
    assert gini(np.array([5, 5, 5, 5])) == 0.0
    assert gini(np.array([0, 0, 0, 100])) == pytest.approx(0.75)
    assert gini(np.array([], dtype=np.int64)) is None


@shared_machine
@given(st.lists(st.integers(0, 1000), min_size=1, max_size=100))
def test_gini_stays_between_zero_and_one_minus_one_over_n(values):
    g = gini(np.array(values))
    assert g is not None
    assert 0.0 <= g <= 1.0 - 1.0 / len(values) + 1e-9


@shared_machine
@given(st.lists(st.integers(1, 1000), min_size=1, max_size=100))
def test_top_shares_grow_with_the_fraction_and_never_pass_one(values):
    x = np.array(values)
    one, ten, all_ = top_share(x, 0.01), top_share(x, 0.10), top_share(x, 1.0)
    assert one is not None and ten is not None and all_ is not None
    assert 0 < one <= ten <= all_ == pytest.approx(1.0)


def test_blau_index_is_zero_for_one_voice_and_grows_with_variety():
    assert blau(np.array([1, 1, 1])) == 0.0
    assert blau(np.array([0, 1])) == pytest.approx(0.5)
    assert blau(np.array([0, 1, 2, 3])) == pytest.approx(0.75)
    assert blau(np.array([2, -1, -1])) is None  # one known value is no diversity to measure


# Reply graph -------------------------------------------------------------------


@shared_machine
@given(edges_strategy)
def test_reciprocity_is_a_share_and_matches_igraph(edges):
    source = np.array([e[0] for e in edges], dtype=np.int32)
    target = np.array([e[1] for e in edges], dtype=np.int32)
    value = reciprocity(source, target)
    g = ReplyGraph.from_replies(source, target)
    if g.n_edges == 0:
        assert value is None
        return
    assert value is not None
    assert 0.0 <= value <= 1.0
    assert value == pytest.approx(g.pair_reciprocity())
    pairs = list(zip(g.source.tolist(), g.target.tolist(), strict=True))
    reference = igraph.Graph(n=g.n_nodes, edges=pairs, directed=True).reciprocity()
    assert value == pytest.approx(reference)


@shared_machine
@given(edges_strategy)
def test_a_graph_where_every_reply_is_returned_has_reciprocity_one(edges):
    forth = [(a, b) for a, b in edges if a != b]
    if not forth:
        return
    source = np.array([a for a, b in forth] + [b for a, b in forth], dtype=np.int32)
    target = np.array([b for a, b in forth] + [a for a, b in forth], dtype=np.int32)
    assert reciprocity(source, target) == 1.0


def test_a_one_way_star_has_no_reciprocity():
    source = np.array([1, 2, 3, 4], dtype=np.int32)
    target = np.zeros(4, dtype=np.int32)
    assert reciprocity(source, target) == 0.0


def test_self_replies_are_not_edges():
    g = ReplyGraph.from_replies(np.array([1, 1, 2]), np.array([1, 2, 2]))
    assert (g.n_nodes, g.n_edges) == (2, 1)


@shared_machine
@given(edges_strategy)
def test_repeated_pair_share_is_a_share(edges):
    g = ReplyGraph.from_replies(
        np.array([e[0] for e in edges], dtype=np.int32),
        np.array([e[1] for e in edges], dtype=np.int32),
    )
    count, share = repeated_pairs(g.pair_weight, 3)
    assert count <= g.pair_weight.shape[0]
    assert share is None or 0.0 <= share <= 1.0


def test_karate_club_figures_match_networkx():
    g = karate()
    reference = nx.karate_club_graph()
    assert (g.n_nodes, g.n_edges) == (34, 156)
    assert g.pair_reciprocity() == 1.0
    assert density(g) == pytest.approx(nx.density(reference.to_directed()))
    assert largest_component_share(g) == 1.0
    assert coreness(g).tolist() == [nx.core_number(reference)[i] for i in range(34)]
    exact = approximate_betweenness(g, seed=0, pivots=34)  # every person a pivot: exact
    expected = nx.betweenness_centrality(reference, normalized=False)
    assert exact == pytest.approx([expected[i] for i in range(34)])


def test_leiden_on_the_karate_club_finds_its_known_structure_with_a_fixed_seed():
    g = karate()
    first = leiden(g, seed=7)
    again = leiden(g, seed=7)
    assert first.membership.tolist() == again.membership.tolist()
    assert 3 <= first.count <= 5
    # The best known modularity partitions of the club are near 0.42 (weights 2: both ways).
    assert first.modularity == pytest.approx(0.42, abs=0.03)
    undirected = nx.Graph(g.undirected.get_edgelist())
    parts = [set(np.flatnonzero(first.membership == k).tolist()) for k in range(first.count)]
    assert nx.community.modularity(undirected, parts) == pytest.approx(first.modularity)
    # The instructor (0) and the administrator (33) lead different groups.
    assert first.membership[0] != first.membership[33]


def test_approximate_betweenness_finds_the_karate_club_leaders_from_a_few_pivots():
    top = np.argsort(-approximate_betweenness(karate(), seed=1, pivots=12))[:4].tolist()
    assert 0 in top and 33 in top


# Series and sliding windows ------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_the_sliding_window_agrees_with_computing_each_window_directly(seed):
    a = to_activity(generate(people=400, interactions=4000, seed=seed))
    d = Derived(a)
    sliding = TrailingWindow(a, d)
    for month in months_of(a):
        window = Window(month_start(month - 11), month_start(month + 1))
        assert window.since is not None and window.until is not None
        sliding.move(window.since, window.until)
        assert sliding.inputs() == stage_inputs(a, d, window), month


def test_stored_months_before_the_earliest_change_are_kept_and_the_rest_recomputed():
    a = to_activity(generate(people=300, interactions=3000, seed=5))
    full = run(a, Window()).months
    stored = {row["month"]: {**row, "marker": True} for row in full}
    changed_at = month_start(months_of(a)[10])
    again = run(a, Window(), stored_months=stored, earliest_change=changed_at)
    first_changed = first_changed_month(changed_at)
    kept = [r for r in again.months if r.get("marker")]
    assert again.reused_months == len(kept) > 0
    assert all(np.datetime64(r["month"], "M").astype(int) < first_changed for r in kept)
    assert [{k: v for k, v in r.items() if k != "marker"} for r in again.months] == full


def test_monthly_rows_are_the_same_whichever_months_are_asked_for():
    a = to_activity(generate(people=300, interactions=3000, seed=6))
    d = Derived(a)
    months = months_of(a)
    every = monthly_rows(a, d, stage_of=stage_of)
    some = monthly_rows(a, d, stage_of=stage_of, months=months[20:])
    assert every[20:] == some


# A whole run ---------------------------------------------------------------------


def test_the_synthetic_community_is_heavy_tailed_and_the_same_for_the_same_seed():
    s1, s2 = (
        generate(people=500, interactions=5000, seed=3),
        generate(people=500, interactions=5000, seed=3),
    )
    assert np.array_equal(s1.reply_author, s2.reply_author)
    result = run(to_activity(s1), Window()).result
    assert result["people"]["gini"] > 0.5
    assert result["people"]["top10_share"] > 0.4
    assert result["reply_graph"]["reciprocity"] > 0.1


def test_a_run_is_reproducible_with_its_seed():
    a = to_activity(generate(people=300, interactions=3000, seed=8))
    first = run(a, Window(), options=Options(seed=3)).result
    second = run(a, Window(), options=Options(seed=3)).result
    assert first == second


def test_an_empty_community_gives_figures_that_say_not_measured_rather_than_zero():
    result = run(Activity(), Window()).result
    assert result["people"]["contributors"] == 0
    assert result["people"]["gini"] is None
    assert result["reply_graph"]["reciprocity"] is None
    assert result["responsiveness"]["answered_share"] is None
    assert result["stage"]["name"] == "network"
    assert result["series"] == []
    assert result["next_steps"] == []


def test_a_window_counts_only_what_happened_inside_it():
    # Two people: a question and its answer in January, another pair in March.
    jan, mar = 1_704_067_200, 1_709_251_200  # 2024-01-01, 2024-03-01 (UTC)
    a = Activity(
        person_ids=np.array([10, 11, 12], dtype=np.int64),
        perspectives=np.full((3, 4), -1, dtype=np.int32),
        thread_ids=np.array([1, 2], dtype=np.int64),
        thread_author=np.array([0, 2], dtype=np.int32),
        thread_time=np.array([jan, mar], dtype=np.int64),
        thread_kind=np.array([KIND_CODE["question"]] * 2, dtype=np.int8),
        thread_resolved_time=np.array([-1, -1], dtype=np.int64),
        reply_ids=np.array([1, 2], dtype=np.int64),
        reply_thread=np.array([0, 1], dtype=np.int32),
        reply_author=np.array([1, 1], dtype=np.int32),
        reply_target=np.array([0, 2], dtype=np.int32),
        reply_time=np.array([jan + DAY, mar + DAY], dtype=np.int64),
    )
    march = run(a, Window(since=mar)).result
    assert march["people"]["contributors"] == 2
    assert march["people"]["newcomers"] == 1  # person 12; person 11 first wrote in January
    assert march["reply_graph"]["edges"] == 1
    assert march["responsiveness"]["asks"] == 1
    assert [r["month"] for r in march["series"]] == ["2024-03"]


def test_a_bridge_leaving_cuts_the_network_in_two_and_anyone_else_cuts_nothing():
    from practica.compass.analysis.graph import ReplyGraph, split_if_removed

    # Two triangles (0-1-2, 4-5-6) held together by person 3 only.
    pairs = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 6), (6, 4)]
    source = np.array([a for a, _ in pairs], dtype=np.int32)
    target = np.array([b for _, b in pairs], dtype=np.int32)
    g = ReplyGraph.from_replies(source, target)
    assert g.largest_component == 7
    assert split_if_removed(g, 3) == pytest.approx(0.5)  # six left, the largest piece three
    assert split_if_removed(g, 0) == 0.0
    # The weighted graph the figures read is left as it was.
    assert g.undirected.vcount() == 7 and "weight" in g.undirected.es.attributes()
