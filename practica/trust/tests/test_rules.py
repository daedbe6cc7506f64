"""The trust rule: a pure function of a person's figures."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practica.trust.rules import (
    REQUIREMENTS,
    Figures,
    Level,
    assess,
    count_links,
    earned_level,
    level_for,
    link_refusal,
    rate_refusal,
    shortfalls,
)

POSITIVE = (
    "days_active",
    "replies_given",
    "replies_received",
    "acknowledgements_received",
    "accepted_answers",
    "days_in_community",
)

counts = st.integers(min_value=0, max_value=2000)
figures = st.builds(
    Figures,
    days_active=counts,
    replies_given=counts,
    replies_received=counts,
    acknowledgements_received=counts,
    accepted_answers=counts,
    days_in_community=counts,
    flags_upheld=st.integers(min_value=0, max_value=6),
)


def exactly(level: Level) -> Figures:
    """The least figures that earn ``level``."""
    needs: dict[str, int] = {}
    for lower in sorted(REQUIREMENTS):
        if lower > level:
            break
        for r in REQUIREMENTS[lower]:
            name = "acknowledgements_received" if r.figure == "helped" else r.figure
            needs[name] = max(needs.get(name, 0), r.need)
    return Figures(**needs)


def test_a_person_who_did_nothing_is_a_newcomer():
    assert level_for(Figures()) == Level.NEWCOMER


@pytest.mark.parametrize("level", list(Level))
def test_the_least_figures_of_each_level_earn_exactly_that_level(level):
    assert level_for(exactly(level)) == level


REQUIRED = [
    (level, "acknowledgements_received" if r.figure == "helped" else r.figure)
    for level, requirements in REQUIREMENTS.items()
    for r in requirements
]


@pytest.mark.parametrize(("level", "figure"), REQUIRED, ids=lambda v: getattr(v, "label", v))
def test_one_less_of_any_required_figure_stays_a_level_below(level, figure):
    least = exactly(level)
    short = dataclasses.replace(least, **{figure: getattr(least, figure) - 1})
    assert level_for(short) == Level(level - 1)


def test_acknowledgements_and_accepted_answers_count_together_as_helping():
    least = exactly(Level.REGULAR)
    moved = dataclasses.replace(
        least,
        acknowledgements_received=0,
        accepted_answers=least.acknowledgements_received,
    )
    assert level_for(moved) == Level.REGULAR


@given(figures, st.sampled_from(POSITIVE), st.integers(min_value=1, max_value=500))
def test_more_of_any_positive_signal_never_lowers_the_level(f, figure, more):
    better = dataclasses.replace(f, **{figure: getattr(f, figure) + more})
    assert level_for(better) >= level_for(f)
    assert earned_level(better) >= earned_level(f)


@given(figures, st.integers(min_value=1, max_value=4))
def test_upheld_flags_never_raise_the_level(f, more):
    worse = dataclasses.replace(f, flags_upheld=f.flags_upheld + more)
    assert level_for(worse) <= level_for(f)


@given(figures)
def test_each_upheld_flag_takes_one_step_down_to_newcomer_at_most(f):
    expected = max(Level.NEWCOMER, earned_level(f) - f.flags_upheld)
    assert level_for(f) == expected
    assert Level.NEWCOMER <= level_for(f) <= earned_level(f)


def test_a_leader_with_two_upheld_flags_is_a_regular():
    leader = exactly(Level.LEADER)
    assert level_for(dataclasses.replace(leader, flags_upheld=2)) == Level.REGULAR


@given(figures)
def test_what_is_missing_is_empty_exactly_when_the_level_is_earned(f):
    for level in Level:
        assert (shortfalls(f, level) == ()) == (earned_level(f) >= level)


def test_the_assessment_says_what_the_next_level_needs():
    f = dataclasses.replace(exactly(Level.MEMBER), days_active=4, replies_given=5)
    a = assess(f)
    assert a.level == Level.MEMBER and a.next_level == Level.REGULAR
    missing = {s.figure: (s.have, s.need) for s in a.missing}
    assert missing["days_active"] == (4, 8)
    assert missing["replies_given"] == (5, 8)
    assert missing["helped"] == (0, 3)
    assert any(s.sentence() == "3 more replies to others (5 of 8)" for s in a.missing)


def test_a_leader_has_no_next_level():
    a = assess(exactly(Level.LEADER))
    assert a.next_level is None and a.missing == ()


def test_negative_or_fractional_figures_are_refused_with_the_figure_named():
    with pytest.raises(ValueError, match="days_active"):
        Figures(days_active=-1)
    with pytest.raises(ValueError, match="replies_given"):
        Figures(replies_given=1.5)  # type: ignore[arg-type]


def test_figures_survive_a_round_trip_through_json_ignoring_unknown_keys():
    f = exactly(Level.TRUSTED)
    assert Figures.from_dict({**f.as_dict(), "something_new": 3}) == f


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("", 0),
        ("no links at all", 0),
        ("see https://example.org/a and http://example.com", 2),
        ("[the guide](https://example.org/guide) and www.example.net", 2),
        ("a page of ours: [search](/c/growers/search/)", 0),
        ("ftp://files.example.org/x and HTTPS://EXAMPLE.ORG", 2),
        ("https://a.example https://b.example https://c.example https://d.example", 4),
    ],
)
def test_links_are_counted_once_each_relative_links_not_at_all(text, links):
    assert count_links(text) == links


def test_newcomers_get_a_clear_sentence_about_their_links_members_none():
    text = " ".join(f"https://{n}.example" for n in "abcd")
    assert link_refusal(text, Level.NEWCOMER) == (
        "newcomers can include at most 2 links; you have 4"
    )
    assert link_refusal(text, Level.MEMBER) is None
    assert link_refusal("https://a.example https://b.example", Level.NEWCOMER) is None


def test_the_hourly_limit_says_when_to_come_back():
    assert rate_refusal(4, 10, Level.NEWCOMER) is None
    assert rate_refusal(5, 12, Level.NEWCOMER) == (
        "newcomers can post at most 5 threads and replies an hour; you can post again in 12 minutes"
    )
    assert rate_refusal(5, 0, Level.NEWCOMER).endswith("in 1 minute")  # type: ignore[union-attr]
    assert rate_refusal(50, 12, Level.MEMBER) is None
