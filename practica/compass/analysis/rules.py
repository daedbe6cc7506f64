"""Diagnosis: the stage and the archetype profile, from explicit rules over the figures.

Every rule names one figure (``section.figure``), a comparison with a threshold,
why the figure matters and where that idea comes from. Thresholds are
Practica's own judgement, documented in docs/compass.md with the values the
real Stack Exchange dumps give; the sources say why a figure matters, not the
number. A figure that could not be measured (``None``) never counts as met.

Apps that record more signals add rules with :func:`register_rule`, e.g. the
influence app adds ``stage:system_of_influence`` rules over its own figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Figures = Mapping[str, Mapping[str, Any]]

STAGES: tuple[tuple[str, str], ...] = (
    ("network", "Network"),
    ("community_of_practice", "Community of practice"),
    ("system_of_influence", "System of influence"),
)
STAGE_LABELS = dict(STAGES)
ARCHETYPES: tuple[tuple[str, str], ...] = (
    ("knowledge_weaver", "Knowledge weaver"),
    ("collaborative_learner", "Collaborative learner"),
    ("system_of_influence", "System of influence"),
)
ARCHETYPE_LABELS = dict(ARCHETYPES)
#: A community's chosen aspiration and the archetype that measures it.
ASPIRATION_ARCHETYPE = {
    "knowledge_weaving": "knowledge_weaver",
    "collaborative_learning": "collaborative_learner",
    "systems_of_influence": "system_of_influence",
}


@dataclass(frozen=True)
class Rule:
    key: str
    figure: str
    op: str
    threshold: float
    reason: str
    source: str
    #: The figure stands in for a signal no app records yet.
    proxy: bool = False

    def __post_init__(self) -> None:
        if self.op not in {">=", "<="}:
            raise ValueError(f"rule {self.key}: op must be '>=' or '<='")
        if "." not in self.figure:
            raise ValueError(f"rule {self.key}: figure must be 'section.figure'")


@dataclass(frozen=True)
class Missing:
    """A signal that no registered provider measures yet (the rule group stays open)."""

    key: str
    reason: str


SOURCES = {
    "wenger2002": "Wenger, McDermott & Snyder (2002), Cultivating Communities of Practice",
    "wheatley2006": "Wheatley & Frieze (2006), Using Emergence to Take Social Innovation to Scale",
    "lave1991": "Lave & Wenger (1991), Situated Learning: Legitimate Peripheral Participation",
    "welser2007": "Welser, Gleave, Fisher & Smith (2007), Visualizing the Signatures of Social "
    "Roles in Online Discussion Groups",
    "adamic2008": "Adamic, Zhang, Bakshy & Ackerman (2008), Knowledge Sharing and Yahoo Answers",
    "garlaschelli2004": "Garlaschelli & Loffredo (2004), Patterns of Link Reciprocity in "
    "Directed Networks",
    "krackhardt1992": "Krackhardt (1992), The Strength of Strong Ties",
    "arguello2006": "Arguello et al. (2006), Talk to Me: Foundations for Successful "
    "Individual-Group Interactions in Online Communities",
    "kraut2012": "Kraut & Resnick (2012), Building Successful Online Communities",
    "nonaka1995": "Nonaka & Takeuchi (1995), The Knowledge-Creating Company",
    "snowden2007": "Snowden & Boone (2007), A Leader's Framework for Decision Making",
    "burt2004": "Burt (2004), Structural Holes and Good Ideas",
    "blau1977": "Blau (1977), Inequality and Heterogeneity",
    "page2007": "Page (2007), The Difference",
}

_STAGE_RULES: dict[str, list[Rule | Missing]] = {
    "community_of_practice": [
        Rule(
            "enough_people",
            "people.contributors",
            ">=",
            5,
            "A practice is shared by a group: below five contributors the other figures "
            "describe a few individuals, not a community.",
            SOURCES["wenger2002"],
        ),
        Rule(
            "peers_not_audience",
            "people.ask_and_answer_share",
            ">=",
            0.25,
            "In a community members both ask and answer; in a broadcast network a few "
            "answer people and most only ask or read.",
            SOURCES["welser2007"],
        ),
        Rule(
            "help_returned",
            "trust.reciprocity",
            ">=",
            0.15,
            "Reciprocated replies show exchange going both ways, a precondition of trust.",
            SOURCES["garlaschelli2004"],
        ),
        Rule(
            "relationships_repeat",
            "trust.repeated_pair_share",
            ">=",
            0.05,
            "Pairs who talk again and again have relationships, not one-off encounters; "
            "trust grows in repeated ties.",
            SOURCES["krackhardt1992"],
        ),
        Rule(
            "newcomers_stay",
            "newcomers.retention_90d",
            ">=",
            0.2,
            "A community renews itself when newcomers come back and move in from the periphery.",
            SOURCES["lave1991"],
        ),
        Rule(
            "asks_answered",
            "responsiveness.answered_share",
            ">=",
            0.6,
            "People keep asking where they get answers; a newcomer's first question answered "
            "makes them likelier to return.",
            SOURCES["arguello2006"],
        ),
    ],
    "system_of_influence": [
        Missing(
            "influence_signals",
            "No app records influence beyond the community yet (adoptions of its practices, "
            "publications, initiatives); the reply graph alone cannot show it.",
        ),
    ],
}

_ARCHETYPE_RULES: dict[str, list[Rule | Missing]] = {
    "knowledge_weaver": [
        Rule(
            "asks_answered",
            "responsiveness.answered_share",
            ">=",
            0.7,
            "Tacit knowledge surfaces when someone asks and someone else answers.",
            SOURCES["nonaka1995"],
        ),
        Rule(
            "several_voices",
            "knowledge.replies_per_ask",
            ">=",
            2,
            "More than one reply per question brings several experiences to one problem.",
            SOURCES["adamic2008"],
        ),
        Rule(
            "knowledge_reused",
            "knowledge.links_per_100_threads",
            ">=",
            2,
            "Links between threads show earlier knowledge being found and reused.",
            SOURCES["wenger2002"],
        ),
        Rule(
            "stories_told",
            "knowledge.story_share",
            ">=",
            0.05,
            "Stories carry experience that does not fit a question and an answer.",
            SOURCES["snowden2007"],
        ),
        Rule(
            "diverse_voices",
            "knowledge.diversity_of_voices",
            ">=",
            0.3,
            "Conversations that bring together different sectors, disciplines and regions "
            "surface more of the knowledge a problem needs.",
            SOURCES["page2007"],
        ),
        Rule(
            "help_acknowledged",
            "trust.acknowledged_share",
            ">=",
            0.1,
            "People saying 'this helped me' shows knowledge reaching someone who used it.",
            SOURCES["kraut2012"],
        ),
    ],
    "collaborative_learner": [
        Rule(
            "everyone_teaches",
            "people.ask_and_answer_share",
            ">=",
            0.35,
            "Learning together needs members who both bring problems and help with others'.",
            SOURCES["lave1991"],
            proxy=True,
        ),
        Rule(
            "working_relationships",
            "trust.repeated_pair_share",
            ">=",
            0.1,
            "Joint experiments need pairs who work together repeatedly.",
            SOURCES["krackhardt1992"],
            proxy=True,
        ),
        Missing(
            "learning_signals",
            "No app records experiments, cycles or shared practices yet; the collaborative "
            "learning app adds those figures.",
        ),
    ],
    "system_of_influence": [
        Rule(
            "bridges_between_groups",
            "reply_graph.communities",
            ">=",
            3,
            "Influence travels across groups; several clusters joined into one graph give it "
            "routes.",
            SOURCES["burt2004"],
            proxy=True,
        ),
        Rule(
            "one_connected_whole",
            "reply_graph.largest_component_share",
            ">=",
            0.8,
            "A community that is one connected whole can move together when it advocates.",
            SOURCES["wheatley2006"],
            proxy=True,
        ),
        Missing(
            "influence_signals",
            "No app records adoptions, publications or initiatives beyond the community yet.",
        ),
    ],
}


#: The compass's own rules, before any app adds its own (tests start from these).
BUILTIN_RULES = (
    {k: list(v) for k, v in _STAGE_RULES.items()},
    {k: list(v) for k, v in _ARCHETYPE_RULES.items()},
)


def register_rule(group: str, rule: Rule) -> None:
    """Add a rule to ``stage:<stage>`` or ``archetype:<archetype>``. A group's ``Missing``
    placeholder for the same signal family is dropped once a real rule joins it."""
    kind, _, name = group.partition(":")
    table = {"stage": _STAGE_RULES, "archetype": _ARCHETYPE_RULES}.get(kind)
    if table is None or name not in table:
        raise ValueError(f"unknown rule group {group!r}")
    rules = [r for r in table[name] if not (isinstance(r, Missing) and _fills(rule, r))]
    rules = [r for r in rules if not (isinstance(r, Rule) and r.key == rule.key)]
    table[name] = [*rules, rule]


def _fills(rule: Rule, missing: Missing) -> bool:
    """``influence_signals`` is filled by a rule over an ``influence.*`` figure, and so on."""
    return missing.key.split("_")[0] == rule.figure.split(".", 1)[0]


def figure_value(figures: Figures, path: str) -> Any:
    section, _, name = path.partition(".")
    return figures.get(section, {}).get(name)


def judge(rule: Rule | Missing, figures: Figures) -> dict[str, Any]:
    """One piece of evidence: the rule, the figure's value, and whether it is met."""
    if isinstance(rule, Missing):
        return {
            "rule": rule.key,
            "figure": None,
            "value": None,
            "met": None,
            "reason": rule.reason,
            "source": None,
            "says": rule.reason,
        }
    value = figure_value(figures, rule.figure)
    met = (
        None
        if value is None
        else (value >= rule.threshold if rule.op == ">=" else value <= rule.threshold)
    )
    verdict = {None: "not measured", True: "met", False: "not met"}[met]
    shown = "unknown" if value is None else _fmt(value)
    return {
        "rule": rule.key,
        "figure": rule.figure,
        "value": value,
        "op": rule.op,
        "threshold": rule.threshold,
        "met": met,
        "proxy": rule.proxy,
        "reason": rule.reason,
        "source": rule.source,
        "says": f"{rule.figure} = {shown}, needs {rule.op} {_fmt(rule.threshold)}: {verdict}",
    }


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def stage_of(figures: Figures) -> str:
    """The stage's name alone (for the monthly history)."""
    return diagnose_stage(figures)["name"]


def diagnose_stage(figures: Figures) -> dict[str, Any]:
    """The highest stage whose rules, and those of every stage before it, are all met.

    The evidence lists each rule up to the next stage: what holds, and what is
    still missing to go further."""
    reached = STAGES[0][0]
    evidence: list[dict[str, Any]] = []
    for name, _ in STAGES[1:]:
        judged = [{**judge(r, figures), "stage": name} for r in _STAGE_RULES[name]]
        evidence.extend(judged)
        if all(e["met"] is True for e in judged):
            reached = name
        else:
            break
    missing = [e["rule"] for e in evidence if e["met"] is not True]
    next_stage = _after(reached)
    return {
        "name": reached,
        "label": STAGE_LABELS[reached],
        "evidence": evidence,
        "next": None if next_stage is None else {"name": next_stage, "missing": missing},
    }


def _after(stage: str) -> str | None:
    names = [n for n, _ in STAGES]
    i = names.index(stage)
    return names[i + 1] if i + 1 < len(names) else None


def diagnose_archetypes(figures: Figures) -> dict[str, dict[str, Any]]:
    """How strongly the community lives each aspiration: the share of its rules met.

    A rule the compass cannot measure counts as not shown: it credits only what
    it can see, so an archetype measured by proxies alone never scores fully."""
    out = {}
    for name, label in ARCHETYPES:
        evidence = [judge(r, figures) for r in _ARCHETYPE_RULES[name]]
        measured = [e for e in evidence if e["met"] is not None]
        met = sum(1 for e in measured if e["met"])
        score = met / len(evidence) if measured else None
        out[name] = {
            "label": label,
            "score": None if score is None else round(score, 3),
            "level": _level(score),
            "measured": len(measured),
            "rules": len(evidence),
            "evidence": evidence,
        }
    return out


def _level(score: float | None) -> str:
    if score is None:
        return "not measured"
    if score >= 0.75:
        return "strong"
    if score >= 0.4:
        return "emerging"
    return "faint"


def stage_rule_figures() -> set[str]:
    """Every figure the stage rules read (the series computes these for each month)."""
    return {r.figure for rules in _STAGE_RULES.values() for r in rules if isinstance(r, Rule)}


def fingerprint() -> str:
    """A short hash of every rule in force: stored results made under other rules are stale."""
    import hashlib

    parts = []
    for table in (_STAGE_RULES, _ARCHETYPE_RULES):
        for group in sorted(table):
            for r in table[group]:
                if isinstance(r, Rule):
                    parts.append(f"{group}:{r.key}:{r.figure}:{r.op}:{r.threshold}")
                else:
                    parts.append(f"{group}:{r.key}:missing")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
