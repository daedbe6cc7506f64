"""Aggregates: reverse scoring, distributions, and nothing at all below five people."""

from __future__ import annotations

from practica.surveys.aggregates import MIN_RESPONDENTS, aggregate, person_score
from practica.surveys.instruments import ITEMS, PSYCHOLOGICAL_SAFETY, SCALES, TRUST


def everyone_says(value: int, scale=TRUST) -> dict[str, int]:
    return {item.key: value for item in scale.items}


def test_fewer_than_five_respondents_give_no_results_at_all():
    answers = [everyone_says(7)] * (MIN_RESPONDENTS - 1)
    assert aggregate(["trust"], answers) is None
    assert aggregate(["trust"], [*answers, everyone_says(1)]) is not None


def test_reverse_scored_items_are_turned_round_so_that_higher_is_always_better():
    reversed_items = [i.key for i in PSYCHOLOGICAL_SAFETY.items if i.reverse]
    assert reversed_items == ["ps_mistakes", "ps_different", "ps_help"]
    # Agreeing with everything: 4 positive items at 7, 3 negative ones at 8 - 7 = 1.
    assert person_score(PSYCHOLOGICAL_SAFETY, everyone_says(7, PSYCHOLOGICAL_SAFETY)) == (
        (4 * 7 + 3 * 1) / 7
    )
    safe = {i.key: (1 if i.reverse else 7) for i in PSYCHOLOGICAL_SAFETY.items}
    assert person_score(PSYCHOLOGICAL_SAFETY, safe) == 7


def test_item_means_and_distributions_count_each_answer():
    answers = [everyone_says(v) for v in (1, 2, 2, 6, 7)]
    results = aggregate(["trust"], answers)
    assert results is not None and results.respondents == 5
    first = results.scales[0].items[0]
    assert first.distribution == (1, 2, 0, 0, 0, 1, 1)
    assert first.mean == 3.6
    assert results.scales[0].score == 3.6


def test_the_scale_score_is_the_mean_of_each_persons_mean():
    half = {k: (7 if n % 2 else 1) for n, k in enumerate(i.key for i in TRUST.items)}
    results = aggregate(["trust"], [half] * 5)
    assert results is not None and results.scales[0].score == 4.0


def test_every_item_belongs_to_one_scale_and_value_items_name_their_cycle():
    assert len(ITEMS) == sum(len(s.items) for s in SCALES.values())
    cycles = [i.cycle for i in SCALES["value"].items]
    assert cycles == ["immediate", "potential", "applied", "realised", "reframing"]
    assert len(SCALES["psychological_safety"].items) == 7
