"""Diagnosis rules: every conclusion carries its evidence (figure, value, rule, verdict)."""

from __future__ import annotations

import copy

import pytest

from practica.compass.analysis import rules
from practica.compass.analysis.rules import (
    Rule,
    diagnose_archetypes,
    diagnose_stage,
    register_rule,
    stage_rule_figures,
)
from practica.compass.analysis.series import stage_inputs

HEALTHY = {
    "people": {"contributors": 40, "ask_and_answer_share": 0.4},
    "trust": {"reciprocity": 0.3, "repeated_pair_share": 0.12, "acknowledged_share": 0.2},
    "newcomers": {"retention_90d": 0.35},
    "responsiveness": {"answered_share": 0.8},
    "knowledge": {
        "replies_per_ask": 2.5,
        "links_per_100_threads": 3.0,
        "story_share": 0.1,
        "diversity_of_voices": 0.4,
    },
    "reply_graph": {"communities": 4, "largest_component_share": 0.9},
}


def figures(**changes: float | None) -> dict[str, dict[str, float | None]]:
    """The healthy figures with some changed: ``figures(trust__reciprocity=0.01)``."""
    out: dict[str, dict[str, float | None]] = copy.deepcopy(HEALTHY)  # type: ignore[arg-type]
    for key, value in changes.items():
        section, name = key.split("__")
        out[section][name] = value
    return out


@pytest.fixture(autouse=True)
def restore_rules():
    """Each test starts from the compass's own rules (other apps add theirs at start-up)
    and leaves the registry as it found it."""
    saved = copy.deepcopy((rules._STAGE_RULES, rules._ARCHETYPE_RULES))
    tables = (rules._STAGE_RULES, rules._ARCHETYPE_RULES)
    for table, builtin in zip(tables, rules.BUILTIN_RULES, strict=True):
        table.clear()
        table.update(copy.deepcopy(builtin))
    yield
    rules._STAGE_RULES.clear()
    rules._STAGE_RULES.update(saved[0])
    rules._ARCHETYPE_RULES.clear()
    rules._ARCHETYPE_RULES.update(saved[1])


def evidence_of(diagnosis: dict, rule: str) -> dict:
    return next(e for e in diagnosis["evidence"] if e["rule"] == rule)


def test_a_community_meeting_every_rule_is_a_community_of_practice_and_says_why():
    stage = diagnose_stage(figures())
    assert stage["name"] == "community_of_practice"
    reciprocity = evidence_of(stage, "help_returned")
    assert reciprocity["figure"] == "trust.reciprocity"
    assert reciprocity["value"] == 0.3
    assert (reciprocity["op"], reciprocity["threshold"], reciprocity["met"]) == (">=", 0.15, True)
    assert reciprocity["says"] == "trust.reciprocity = 0.3, needs >= 0.15: met"
    assert reciprocity["reason"] and reciprocity["source"]
    assert stage["next"] == {"name": "system_of_influence", "missing": ["influence_signals"]}


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"people__contributors": 3}, "enough_people"),
        ({"people__ask_and_answer_share": 0.05}, "peers_not_audience"),
        ({"trust__reciprocity": 0.02}, "help_returned"),
        ({"trust__repeated_pair_share": 0.01}, "relationships_repeat"),
        ({"newcomers__retention_90d": 0.1}, "newcomers_stay"),
        ({"responsiveness__answered_share": 0.3}, "asks_answered"),
    ],
)
def test_each_community_of_practice_rule_alone_keeps_a_community_a_network(change, rule):
    stage = diagnose_stage(figures(**change))
    assert stage["name"] == "network"
    failed = evidence_of(stage, rule)
    assert failed["met"] is False
    assert failed["value"] == next(iter(change.values()))
    assert stage["next"]["missing"] == [rule]
    assert all(e["met"] for e in stage["evidence"] if e["rule"] != rule)


def test_a_figure_that_cannot_be_measured_never_counts_as_met():
    stage = diagnose_stage(figures(newcomers__retention_90d=None))
    assert stage["name"] == "network"
    unknown = evidence_of(stage, "newcomers_stay")
    assert unknown["met"] is None
    assert unknown["says"].endswith("not measured")


def test_system_of_influence_cannot_be_reached_until_an_app_records_influence():
    assert diagnose_stage(figures())["name"] == "community_of_practice"
    register_rule(
        "stage:system_of_influence",
        Rule("practices_adopted", "influence.adoptions_outside", ">=", 1, "why", "source"),
    )
    with_influence = figures()
    with_influence["influence"] = {"adoptions_outside": 3}
    stage = diagnose_stage(with_influence)
    assert stage["name"] == "system_of_influence"
    assert evidence_of(stage, "practices_adopted")["met"] is True
    assert all(e["rule"] != "influence_signals" for e in stage["evidence"])


def test_archetype_scores_credit_only_what_the_compass_can_see():
    profile = diagnose_archetypes(figures())
    weaver = profile["knowledge_weaver"]
    assert weaver["score"] == 1.0 and weaver["level"] == "strong"
    learner = profile["collaborative_learner"]
    # Two proxies met, the learning signals not recorded: 2 of 3.
    assert learner["score"] == pytest.approx(2 / 3, abs=1e-3)
    assert [e["met"] for e in learner["evidence"]] == [True, True, None]
    assert all(e["proxy"] for e in learner["evidence"] if e["figure"])


def test_an_archetype_with_nothing_measurable_says_so():
    empty = {section: dict.fromkeys(values) for section, values in HEALTHY.items()}
    profile = diagnose_archetypes(empty)
    assert profile["knowledge_weaver"] == {
        **profile["knowledge_weaver"],
        "score": None,
        "level": "not measured",
        "measured": 0,
    }


def test_weak_knowledge_exchange_gives_a_faint_knowledge_weaver_with_its_reasons():
    weak = figures(
        responsiveness__answered_share=0.2,
        knowledge__replies_per_ask=0.5,
        knowledge__links_per_100_threads=0.0,
        knowledge__story_share=0.0,
        knowledge__diversity_of_voices=0.1,
    )
    weaver = diagnose_archetypes(weak)["knowledge_weaver"]
    assert weaver["level"] == "faint"
    assert [e["rule"] for e in weaver["evidence"] if e["met"] is False] == [
        "asks_answered",
        "several_voices",
        "knowledge_reused",
        "stories_told",
        "diverse_voices",
    ]


def test_a_rule_must_name_a_section_and_a_known_comparison():
    with pytest.raises(ValueError, match=r"section\.figure"):
        Rule("bad", "reciprocity", ">=", 1, "", "")
    with pytest.raises(ValueError, match="op"):
        Rule("bad", "trust.reciprocity", ">", 1, "", "")
    with pytest.raises(ValueError, match="unknown rule group"):
        register_rule("stage:elsewhere", Rule("x", "a.b", ">=", 1, "", ""))


def test_the_monthly_stage_inputs_cover_every_figure_the_stage_rules_read():
    from practica.compass.analysis.activity import Activity, Window
    from practica.compass.analysis.derived import Derived

    a = Activity()
    inputs = stage_inputs(a, Derived(a), Window())
    provided = {f"{section}.{name}" for section, values in inputs.items() for name in values}
    assert stage_rule_figures() <= provided
