"""The reply graph and its figures: size, density, reciprocity, components, clusters,
core and periphery, brokers.

Nodes are people with at least one edge; ``u -> v`` when ``u`` replied to
something ``v`` wrote (``u != v``, both people). Clusters, cores and brokers are
read on the undirected graph (a pair is connected whichever way they replied),
weighted by how many replies passed between them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from practica.compass.analysis.activity import F64, I32, I64
from practica.compass.analysis.stats import distinct

if TYPE_CHECKING:
    import igraph

#: How many source people the approximate betweenness starts from (Brandes & Pich 2007).
#: Each is one breadth-first search with dependency accumulation over the whole graph
#: (about 50 ms at 100,000 people here); 32 rank the few top brokers of a heavy-tailed
#: graph stably and keep the whole compass within seconds.
BETWEENNESS_PIVOTS = 32


@contextmanager
def seeded_igraph(seed: int) -> Iterator[None]:
    """igraph draws from one global generator: give it our seed, then put the default back."""
    import igraph  # lazily: importing igraph takes seconds, and every command loads this module

    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


@dataclass(frozen=True)
class ReplyGraph:
    """Distinct ordered pairs of people, with how many replies went each way."""

    #: Person index (into ``Activity.person_ids``) of each node.
    people: I32
    source: I32
    target: I32
    weight: I64

    @classmethod
    def from_replies(cls, source: I32, target: I32) -> ReplyGraph:
        """Collapse one row per reply into distinct ordered pairs (``source != target``)."""
        keep = source != target
        source, target = source[keep].astype(np.int64), target[keep].astype(np.int64)
        if source.size == 0:
            empty = np.zeros(0, dtype=np.int32)
            return cls(empty, empty, empty, np.zeros(0, dtype=np.int64))
        # Renumber the people who have an edge 0..n-1 through a lookup table (no sort).
        size = int(max(source.max(), target.max())) + 1
        seen = np.bincount(source, minlength=size) + np.bincount(target, minlength=size)
        people = np.flatnonzero(seen)
        lookup = np.zeros(size, dtype=np.int64)
        lookup[people] = np.arange(people.shape[0])
        s, t = lookup[source], lookup[target]
        n = people.shape[0]
        pairs, weight = np.unique(s * n + t, return_counts=True)
        return cls(
            people=people.astype(np.int32),
            source=(pairs // n).astype(np.int32),
            target=(pairs % n).astype(np.int32),
            weight=weight.astype(np.int64),
        )

    @property
    def n_nodes(self) -> int:
        return int(self.people.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.source.shape[0])

    @property
    def n_interactions(self) -> int:
        return int(self.weight.sum())

    def pair_reciprocity(self) -> float | None:
        """Share of the (distinct, ordered) pairs whose reverse pair exists too."""
        if self.n_edges == 0:
            return None
        n = self.n_nodes
        codes = self.source.astype(np.int64) * n + self.target  # sorted: built by np.unique
        reverse = self.target.astype(np.int64) * n + self.source
        found = np.minimum(np.searchsorted(codes, reverse), codes.shape[0] - 1)
        return float(np.count_nonzero(codes[found] == reverse) / codes.shape[0])

    @cached_property
    def undirected_pairs(self) -> tuple[I32, I32, I64]:
        n = max(self.n_nodes, 1)
        low = np.minimum(self.source, self.target).astype(np.int64)
        high = np.maximum(self.source, self.target).astype(np.int64)
        pairs, inverse = np.unique(low * n + high, return_inverse=True)
        weight = np.zeros(pairs.shape[0], dtype=np.int64)
        np.add.at(weight, inverse, self.weight)
        return (pairs // n).astype(np.int32), (pairs % n).astype(np.int32), weight

    @cached_property
    def undirected(self) -> igraph.Graph:
        low, high, weight = self.undirected_pairs
        # A list of tuples is four times faster for igraph to read than a numpy array.
        edges = list(zip(low.tolist(), high.tolist(), strict=True))
        import igraph

        g = igraph.Graph(n=self.n_nodes, edges=edges, directed=False)
        g.es["weight"] = weight.tolist()
        return g

    @cached_property
    def unweighted(self) -> igraph.Graph:
        """The undirected graph without its weights, for the "what if" copies: deleting a
        vertex from a graph with an edge attribute rebuilds the attribute in Python, ten
        times the cost of the deletion itself."""
        bare = self.undirected.copy()
        del bare.es["weight"]
        return bare

    @cached_property
    def largest_component(self) -> int:
        return int(self.component_sizes.max()) if self.n_nodes else 0

    @cached_property
    def component_of(self) -> I64:
        """Each node's connected component (of the undirected graph)."""
        return np.asarray(self.undirected.connected_components().membership, dtype=np.int64)

    @cached_property
    def component_sizes(self) -> I64:
        return np.bincount(self.component_of) if self.n_nodes else np.zeros(0, dtype=np.int64)

    @cached_property
    def articulation_points(self) -> frozenset[int]:
        """Nodes whose leaving splits their component (found once, for every node)."""
        return frozenset(self.undirected.articulation_points())

    @property
    def pair_weight(self) -> I64:
        """Interactions per unordered pair of people (both directions added up)."""
        return self.undirected_pairs[2]


def density(g: ReplyGraph) -> float | None:
    n = g.n_nodes
    return g.n_edges / (n * (n - 1)) if n > 1 else None


def reciprocity(source: I32, target: I32) -> float | None:
    """Share of distinct ordered pairs ``u -> v`` whose reverse ``v -> u`` exists too."""
    keep = source != target
    s, t = source[keep].astype(np.int64), target[keep].astype(np.int64)
    if s.size == 0:
        return None
    n = int(max(s.max(), t.max())) + 1
    pairs = distinct(s * n + t)
    reverse = (pairs % n) * n + pairs // n
    found = np.searchsorted(pairs, reverse)
    found[found == pairs.shape[0]] = 0
    return float(np.count_nonzero(pairs[found] == reverse) / pairs.shape[0])


def repeated_pairs(pair_weight: I64, at_least: int = 3) -> tuple[int, float | None]:
    """Unordered pairs with ``at_least`` interactions: how many, and their share of pairs."""
    count = int(np.count_nonzero(pair_weight >= at_least))
    total = int(pair_weight.shape[0])
    return count, (count / total if total else None)


def _largest_component(u: igraph.Graph) -> int:
    """Size of the largest connected component (counted in numpy: igraph's ``sizes()``
    counts in Python)."""
    if u.vcount() == 0:
        return 0
    return int(np.bincount(np.asarray(u.connected_components().membership)).max())


def largest_component_share(g: ReplyGraph) -> float | None:
    if g.n_nodes == 0:
        return None
    # Weakly connected components of the directed graph are those of the undirected one.
    return g.largest_component / g.n_nodes


@dataclass(frozen=True)
class Clusters:
    membership: I32
    modularity: float | None

    @property
    def count(self) -> int:
        return int(self.membership.max()) + 1 if self.membership.size else 0

    def sizes(self) -> I64:
        return (
            np.bincount(self.membership).astype(np.int64)
            if self.membership.size
            else self.membership.astype(np.int64)
        )


def leiden(g: ReplyGraph, *, seed: int) -> Clusters:
    """Leiden clusters maximising modularity (Traag, Waltman & van Eck 2019), weighted."""
    if g.n_nodes == 0:
        return Clusters(np.zeros(0, dtype=np.int32), None)
    u = g.undirected
    with seeded_igraph(seed):
        # Two iterations (igraph's default): stable on real reply graphs, while iterating
        # until nothing moves took minutes on a random graph of 100,000 people.
        found = u.community_leiden(
            objective_function="modularity", weights="weight", n_iterations=2
        )
    membership = _by_size(np.asarray(found.membership, dtype=np.int64))
    modularity = u.modularity(membership.tolist(), weights="weight") if u.ecount() else None
    return Clusters(membership.astype(np.int32), modularity)


def _by_size(membership: I64) -> I64:
    """Renumber clusters so that 0 is the largest (ties by lowest node): stable colours."""
    sizes = np.bincount(membership)
    first = np.full(sizes.shape[0], membership.shape[0], dtype=np.int64)
    np.minimum.at(first, membership, np.arange(membership.shape[0]))
    order = np.lexsort((first, -sizes))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0])
    return rank[membership]


def coreness(g: ReplyGraph) -> I64:
    """k-core number of each node on the undirected graph (Seidman 1983)."""
    if g.n_nodes == 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(g.undirected.coreness(), dtype=np.int64)


def core_threshold(cores: I64) -> int:
    """The core: shells at least half as deep as the deepest one, and never below 2."""
    if cores.size == 0:
        return 2
    return max(2, math.ceil(int(cores.max()) / 2))


def approximate_betweenness(g: ReplyGraph, *, seed: int, pivots: int = BETWEENNESS_PIVOTS) -> F64:
    """Betweenness on the undirected graph, from a random sample of source people
    (Brandes & Pich 2007), scaled to estimate the exact value. Exact when the graph
    has no more nodes than pivots."""
    n = g.n_nodes
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    u = g.undirected
    if n <= pivots:
        return np.asarray(u.betweenness(directed=False), dtype=np.float64)
    sources = np.random.default_rng(seed).choice(n, size=pivots, replace=False)
    partial = np.asarray(
        u.betweenness(directed=False, sources=sorted(sources.tolist())), dtype=np.float64
    )
    return partial * (n / pivots)


def normalised_betweenness(values: F64, n: int) -> F64:
    """Betweenness as a share of the pairs a node could sit between, ``(n-1)(n-2)/2``."""
    pairs = (n - 1) * (n - 2) / 2
    return values / pairs if pairs > 0 else np.zeros_like(values)


def split_if_removed(g: ReplyGraph, node: int) -> float:
    """Share of the largest component cut off from it if ``node`` left (0: nobody)."""
    before = g.largest_component
    if node in g.articulation_points:
        rest = g.unweighted.copy()
        rest.delete_vertices([node])
        after = _largest_component(rest)
    else:
        # Not a cut vertex: its component loses just it, and every other stays as it is.
        sizes = g.component_sizes.copy()
        sizes[g.component_of[node]] -= 1
        after = int(sizes.max())
    remaining = before - 1
    return float((remaining - after) / remaining) if remaining > 0 else 0.0


def layout(g: ReplyGraph, nodes: I64, *, seed: int) -> F64:
    """2-D positions in ``[0, 1]`` for the sub-graph on ``nodes`` (for the network map)."""
    if nodes.size == 0:
        return np.zeros((0, 2), dtype=np.float64)
    sub = g.undirected.induced_subgraph(nodes.tolist())
    with seeded_igraph(seed):
        # Fruchterman-Reingold with its grid: a fraction of a second for the map's size
        # (without the grid, or with DrL or graphopt, it took seconds on 1,000 nodes).
        coords = sub.layout_fruchterman_reingold(niter=150, grid=True).coords
    positions = np.asarray(coords, dtype=np.float64)
    # Scale by the 1st-99th percentiles, so that a few small far-off components do not
    # squeeze everyone else into the middle; those few are pulled to the edge.
    low, high = np.percentile(positions, 1, axis=0), np.percentile(positions, 99, axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    return np.clip((positions - low) / span, -0.03, 1.03)
