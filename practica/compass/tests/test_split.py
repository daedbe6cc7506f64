"""``split_if_removed`` answers from the cut vertices what deleting the node would say."""

from __future__ import annotations

import numpy as np
import pytest

from practica.compass.analysis.graph import ReplyGraph, _largest_component, split_if_removed


def by_deleting(g: ReplyGraph, node: int) -> float:
    before = g.largest_component
    rest = g.unweighted.copy()
    rest.delete_vertices([node])
    remaining = before - 1
    return float((remaining - _largest_component(rest)) / remaining) if remaining > 0 else 0.0


@pytest.mark.parametrize("seed", range(6))
def test_every_node_gives_what_deleting_it_gives(seed):
    rng = np.random.default_rng(seed)
    people = 40
    # Sparse: chains, stars, several components, so that many nodes are cut vertices.
    source = rng.integers(0, people, size=45).astype(np.int32)
    target = rng.integers(0, people, size=45).astype(np.int32)
    g = ReplyGraph.from_replies(source, target)
    assert g.articulation_points  # the check covers both kinds of node
    assert len(g.articulation_points) < g.n_nodes
    for node in range(g.n_nodes):
        assert split_if_removed(g, node) == by_deleting(g, node), node
