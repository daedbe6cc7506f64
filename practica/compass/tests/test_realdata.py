"""The reply-graph figures on real Stack Exchange dumps, against a straightforward networkx
computation over a reply graph built by reading Posts.xml and Comments.xml directly.

The reference follows the compass's definition word for word: an edge u -> v when u
wrote an answer to v's question, or a comment on v's question or answer (a reply at any
depth); u != v; both are people (a row of Users.xml, not the Community user, Id -1).
Two paths are checked against it: the pure figures on arrays parsed from the same XML,
and the whole way through Practica (the importer, the database, the adapter).
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from django.core.management import call_command
from lxml import etree

from practica.communities.models import Community
from practica.compass.adapter import load_activity
from practica.compass.analysis.activity import Window
from practica.compass.analysis.compute import run
from practica.compass.analysis.derived import Derived
from practica.compass.analysis.graph import ReplyGraph, approximate_betweenness, coreness, leiden
from practica.compass.analysis.registry import FigureContext

REPO = Path(__file__).resolve().parents[3]
SE_DUMPS = (REPO / ".." / "shared" / "data" / "stackexchange").resolve()
# The small dumps: exact betweenness in networkx stays quick on them.
SMALL = [
    "coffee.meta.stackexchange.com",
    "conlang.meta.stackexchange.com",
    "alcohol.meta.stackexchange.com",
]

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not SE_DUMPS.is_dir(),
        reason=f"the real Stack Exchange dumps are not here ({SE_DUMPS} is absent)",
    ),
]


def rows(path: Path) -> Iterator[dict[str, str]]:
    for _, el in etree.iterparse(str(path), tag="row", resolve_entities=False, no_network=True):
        yield dict(el.attrib)
        el.clear()


@dataclass
class Reference:
    replies: list[tuple[int, int]]  # (author, author of what was replied to), people only
    contributors: set[int]

    @property
    def graph(self) -> nx.DiGraph:
        g = nx.DiGraph()
        g.add_edges_from((u, v) for u, v in self.replies if u != v)
        return g

    @property
    def undirected(self) -> nx.Graph:
        g = nx.Graph()
        for (u, v), n in Counter(
            tuple(sorted(pair)) for pair in self.replies if pair[0] != pair[1]
        ).items():
            g.add_edge(u, v, weight=n)
        return g


def read_dump(folder: Path) -> Reference:
    people = {int(r["Id"]) for r in rows(folder / "Users.xml") if int(r["Id"]) >= 0}

    def person(value: str | None) -> int | None:
        return int(value) if value is not None and int(value) in people else None

    posts: dict[str, tuple[str, int | None]] = {}
    answers: list[tuple[int | None, str]] = []
    for r in rows(folder / "Posts.xml"):
        if r["PostTypeId"] == "1":
            posts[r["Id"]] = ("question", person(r.get("OwnerUserId")))
        elif r["PostTypeId"] == "2":
            answers.append((person(r.get("OwnerUserId")), r["Id"]))
            posts[r["Id"]] = ("answer?" + r["ParentId"], person(r.get("OwnerUserId")))
    replies: list[tuple[int, int]] = []
    contributors = {owner for kind, owner in posts.values() if kind == "question" and owner}
    for r in rows(folder / "Posts.xml"):
        if r["PostTypeId"] == "2" and posts.get(r["ParentId"], ("",))[0] == "question":
            author, target = person(r.get("OwnerUserId")), posts[r["ParentId"]][1]
            if author is not None:
                contributors.add(author)
                if target is not None:
                    replies.append((author, target))
    imported = {
        pid
        for pid, (kind, _) in posts.items()
        if kind == "question" or posts.get(kind.partition("?")[2], ("",))[0] == "question"
    }
    for r in rows(folder / "Comments.xml"):
        if r["PostId"] not in imported:
            continue
        author, target = person(r.get("UserId")), posts[r["PostId"]][1]
        if author is not None:
            contributors.add(author)
            if target is not None:
                replies.append((author, target))
    return Reference(replies, contributors)


def check_against_networkx(g: ReplyGraph, person_of_node: np.ndarray, ref: Reference) -> None:
    """The compass's figures on ``g`` equal networkx's on the reference."""
    G, U = ref.graph, ref.undirected
    assert set(person_of_node.tolist()) == set(G.nodes)
    assert (g.n_nodes, g.n_edges) == (G.number_of_nodes(), G.number_of_edges())
    assert g.n_interactions == sum(1 for u, v in ref.replies if u != v)
    assert g.n_edges / (g.n_nodes * (g.n_nodes - 1)) == pytest.approx(nx.density(G))
    assert g.pair_reciprocity() == pytest.approx(nx.overall_reciprocity(G))
    largest = max(len(c) for c in nx.weakly_connected_components(G))
    sizes = g.undirected.connected_components().sizes()
    assert max(sizes) / g.n_nodes == pytest.approx(largest / G.number_of_nodes())
    core = nx.core_number(U)
    assert coreness(g).tolist() == [core[p] for p in person_of_node.tolist()]
    clusters = leiden(g, seed=0)
    parts = [
        {int(person_of_node[i]) for i in np.flatnonzero(clusters.membership == k)}
        for k in range(clusters.count)
    ]
    assert nx.community.modularity(U, parts, weight="weight") == pytest.approx(
        clusters.modularity, abs=1e-9
    )
    louvain = nx.community.louvain_communities(U, weight="weight", seed=0)
    assert clusters.modularity >= nx.community.modularity(U, louvain, weight="weight") - 0.02


@pytest.mark.parametrize("site", SMALL)
def test_pure_reply_graph_figures_match_networkx_on_the_real_dump(site):
    ref = read_dump(SE_DUMPS / site)
    people = np.array(sorted({p for pair in ref.replies for p in pair}), dtype=np.int64)
    source = np.searchsorted(people, [u for u, _ in ref.replies]).astype(np.int32)
    target = np.searchsorted(people, [v for _, v in ref.replies]).astype(np.int32)
    g = ReplyGraph.from_replies(source, target)
    person_of_node = people[g.people]
    check_against_networkx(g, person_of_node, ref)
    exact = approximate_betweenness(g, seed=0, pivots=g.n_nodes)
    expected = nx.betweenness_centrality(ref.undirected, normalized=False)
    assert exact == pytest.approx([expected[p] for p in person_of_node.tolist()])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("site", SMALL[:2])
def test_through_the_importer_the_compass_sees_the_same_reply_graph(site):
    slug = "real-" + site.split(".")[0]
    call_command(
        "import",
        "stackexchange",
        str(SE_DUMPS / site),
        "--community",
        slug,
        "--json",
        stdout=io.StringIO(),
    )
    community = Community.objects.get(slug=slug)
    activity = load_activity(community.pk)
    ctx = FigureContext(activity, Derived(activity), Window())
    ref = read_dump(SE_DUMPS / site)
    # Database ids back to Stack Exchange ids through the importer's provenance.
    from practica.accounts.models import User

    se_id = {
        pk: int(source_id.rsplit("-", 1)[-1]) if "-" in source_id else int(source_id)
        for pk, source_id in User.objects.filter(pk__in=activity.person_ids.tolist()).values_list(
            "pk", "source_id"
        )
    }
    person_of_node = np.array([se_id[int(activity.person_ids[p])] for p in ctx.graph.people])
    check_against_networkx(ctx.graph, person_of_node, ref)
    result = run(activity, Window()).result
    assert result["people"]["contributors"] == len(ref.contributors)
    assert result["reply_graph"]["isolates"] == len(ref.contributors - set(ref.graph.nodes))
    out = io.StringIO()
    call_command("compass", slug, "--json", stdout=out)
    assert json.loads(out.getvalue())["reply_graph"]["edges"] == ref.graph.number_of_edges()
