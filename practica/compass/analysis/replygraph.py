"""The reply graph section: its shape, clusters, core and periphery, brokers and isolates."""

from __future__ import annotations

import numpy as np

from practica.compass.analysis.graph import (
    core_threshold,
    density,
    largest_component_share,
    normalised_betweenness,
    split_if_removed,
)
from practica.compass.analysis.registry import FigureContext, Section
from practica.compass.analysis.stats import distinct, rounded, share

#: How many brokers the compass names.
BROKERS_SHOWN = 10
#: For how many of them it measures what their leaving would cut off (a graph copy each).
BROKERS_SPLIT_CHECKED = 5

LABELS = {
    "nodes": "People in the reply graph",
    "edges": "Connections (distinct ordered pairs)",
    "interactions": "Replies between two people",
    "density": "Density",
    "reciprocity": "Reciprocity",
    "largest_component_share": "Share in the largest connected group",
    "communities": "Clusters (Leiden)",
    "modularity": "Modularity",
    "core_k": "Deepest k-core",
    "core_size": "People in the core",
    "core_share": "Share of people in the core",
    "periphery_share": "Share on the periphery (1-core)",
    "isolates": "Contributors with no connection",
    "isolate_share": "Share of contributors with no connection",
}


def node_roles(ctx: FigureContext) -> list[str]:
    """Each node's place: broker, core, periphery or between (``middle``)."""
    cores = ctx.coreness
    threshold = core_threshold(cores)
    roles = np.where(cores >= threshold, "core", np.where(cores <= 1, "periphery", "middle"))
    for node in _broker_nodes(ctx):
        roles[node] = "broker"
    return roles.tolist()


def _broker_nodes(ctx: FigureContext) -> np.ndarray:
    b = ctx.betweenness
    if b.size == 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argsort(-b, kind="stable")[:BROKERS_SHOWN]
    return top[b[top] > 0]


def reply_graph_section(ctx: FigureContext) -> Section:
    g = ctx.graph
    cores = ctx.coreness
    threshold = core_threshold(cores)
    in_core = int(np.count_nonzero(cores >= threshold))
    clusters = ctx.clusters
    nodes = g.n_nodes
    contributors = int(ctx.contributors.shape[0])
    isolates = int(np.setdiff1d(ctx.contributors, g.people, assume_unique=True).shape[0])
    figures = {
        "nodes": nodes,
        "edges": g.n_edges,
        "interactions": g.n_interactions,
        "density": rounded(density(g), 6),
        "reciprocity": rounded(g.pair_reciprocity()),
        "largest_component_share": rounded(largest_component_share(g)),
        "communities": clusters.count,
        "modularity": rounded(clusters.modularity),
        "cluster_sizes": clusters.sizes()[:10].tolist(),
        "core_k": int(cores.max()) if cores.size else 0,
        "core_threshold": threshold,
        "core_size": in_core,
        "core_share": rounded(share(in_core, nodes)),
        "periphery_share": rounded(share(int(np.count_nonzero(cores <= 1)), nodes)),
        "isolates": isolates,
        "isolate_share": rounded(share(isolates, contributors)),
    }
    return Section(figures=figures, detail={"brokers": _brokers(ctx)})


def _brokers(ctx: FigureContext) -> list[dict[str, object]]:
    g = ctx.graph
    nodes = _broker_nodes(ctx)
    if nodes.size == 0:
        return []
    scores = normalised_betweenness(ctx.betweenness, g.n_nodes)
    membership = ctx.clusters.membership
    neighbours = g.undirected.neighborhood(nodes.tolist(), order=1)
    out = []
    for rank, node in enumerate(nodes.tolist()):
        bridged = distinct(membership[np.asarray(neighbours[rank], dtype=np.int64)])
        entry: dict[str, object] = {
            "person": int(ctx.activity.person_ids[g.people[node]]),
            "betweenness": rounded(float(scores[node]), 5),
            "clusters_bridged": int(bridged.shape[0]),
            "degree": len(neighbours[rank]) - 1,
        }
        if rank < BROKERS_SPLIT_CHECKED:
            entry["split_if_gone"] = rounded(split_if_removed(g, node))
        out.append(entry)
    return out
