"""Turn a stored compass into what the page shows: labelled figures, readable next steps,
the people table, and the data the charts and the map draw."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from practica.compass.analysis.registry import label_of, providers
from practica.compass.analysis.rules import STAGES

#: People listed in the table beside the map (the page says how many it leaves out).
ROSTER_SHOWN = 100
ISOLATES_SHOWN = 50

ROLE_LABELS = {
    "broker": "Broker: joins groups that would otherwise be apart",
    "core": "Core: among the most interconnected people",
    "middle": "Connected: between the core and the periphery",
    "periphery": "Periphery: one or two connections so far",
    "isolate": "Isolate: contributed, but no reply passed between them and anyone",
}


def shown(value: Any) -> str:
    if value is None:
        return "not measured"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def sections(c: dict[str, Any]) -> list[dict[str, Any]]:
    """Each provider's figures with their labels (lists and nested tables left out)."""
    out = []
    for provider in providers():
        figures = c.get(provider.key)
        if not isinstance(figures, dict):
            continue
        rows = [
            {"key": name, "label": label_of(provider.key, name), "value": shown(value)}
            for name, value in figures.items()
            if not isinstance(value, (dict, list))
        ]
        out.append({"key": provider.key, "title": provider.title, "rows": rows})
    return out


def journey(c: dict[str, Any]) -> list[dict[str, Any]]:
    current = c["stage"]["name"]
    names = [n for n, _ in STAGES]
    return [
        {
            "name": n,
            "label": label,
            "reached": names.index(n) <= names.index(current),
            "current": n == current,
        }
        for n, label in STAGES
    ]


#: Stands for the username in a reversed profile URL, so the URL is reversed once per page.
_USERNAME = "__username__"


def _profile_pattern() -> str:
    return reverse("people:profile", args=[_USERNAME])


def _name(c: dict[str, Any], pk: int) -> str:
    found = c.get("names", {}).get("people", {}).get(str(pk))
    return str(found["name"]) if found else f"person {pk}"


def _person(c: dict[str, Any], pk: int, pattern: str | None = None) -> dict[str, Any]:
    found = c.get("names", {}).get("people", {}).get(str(pk))
    if not found:
        return {"name": f"person {pk}", "url": None}
    url = (pattern or _profile_pattern()).replace(_USERNAME, found["username"])
    return {"name": found["name"], "url": url}


def next_steps(c: dict[str, Any], slug: str) -> list[dict[str, Any]]:
    """Next steps with their items as lines of text and links (when the viewer sees them)."""
    titles = c.get("names", {}).get("threads", {})
    out = []
    for step in c.get("next_steps", []):
        lines = []
        for item in step.get("items", []):
            kind = step["kind"]
            if kind == "unanswered":
                lines.append(
                    {
                        "links": [
                            {
                                "name": titles.get(str(item["thread"]), f"thread {item['thread']}"),
                                "url": reverse("exchange:thread", args=[slug, item["thread"]]),
                            }
                        ],
                        "meta": f"asked {item['asked']}, waiting {item['days_waiting']} days",
                    }
                )
            elif kind == "should_meet":
                lines.append(
                    {
                        "links": [_person(c, p) for p in item["people"]],
                        "meta": "both write about " + ", ".join(item["shared_tags"]),
                    }
                )
            elif kind == "newcomers_not_back":
                heard = "someone replied" if item["got_a_reply"] else "nobody replied yet"
                lines.append(
                    {
                        "links": [_person(c, item["person"])],
                        "meta": f"first contribution {item['first_contribution']}; {heard}",
                    }
                )
            elif kind == "brokers":
                split = item.get("split_if_gone")
                cut = (
                    f"; {split:.0%} of the network hangs on them"
                    if split and split >= 0.005
                    else ""
                )
                lines.append(
                    {
                        "links": [_person(c, item["person"])],
                        "meta": f"bridges {item['clusters_bridged']} clusters, "
                        f"{item['degree']} connections{cut}",
                    }
                )
        out.append({**step, "lines": lines})
    return out


def roster(c: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    rows = c.get("roster", [])
    pattern = _profile_pattern()
    shown_rows = [
        {
            **row,
            **_person(c, row["person"], pattern),
            "role_label": ROLE_LABELS.get(row["role"], row["role"]),
        }
        for row in rows[:ROSTER_SHOWN]
    ]
    return shown_rows, max(0, len(rows) - ROSTER_SHOWN)


def chart_data(c: dict[str, Any]) -> dict[str, Any]:
    """What the Vega-Lite charts draw: aggregate figures only."""
    return {
        "series": c.get("series", []),
        "cohorts": c.get("newcomers", {}).get("cohorts", []),
        "stages": [label for _, label in STAGES],
    }


def map_data(c: dict[str, Any]) -> dict[str, Any]:
    """The network map, as compact as the drawing allows (person-level: stewards only).

    Nodes stay rows of values under ``fields`` (as stored), each with the person's
    name appended; role labels are sent once, not once per node.
    """
    network = c.get("map", {})
    fields = [*network.get("node_fields", []), "name"]
    at = {name: i for i, name in enumerate(fields)}
    nodes = [[*values, _name(c, values[at["person"]])] for values in network.get("nodes", [])]
    # Isolates have no edge to place them by: a row under the graph, so they are seen.
    isolates = network.get("isolates", [])[:ISOLATES_SHOWN]
    for k, person in enumerate(isolates):
        node: list[Any] = [None] * len(fields)
        node[at["person"]] = person
        node[at["x"]] = round((k + 0.5) / max(len(isolates), 1), 4)
        node[at["y"]] = 1.12
        node[at["role"]] = "isolate"
        node[at["connections"]] = 0
        node[at["newcomer"]] = False
        node[at["name"]] = _name(c, person)
        nodes.append(node)
    return {
        "fields": fields,
        "nodes": nodes,
        "roles": ROLE_LABELS,
        "edges": network.get("edges", []),
        "shown": network.get("shown", 0),
        "total": network.get("total", 0),
    }
