"""Pulse surveys in the compass: latest scores and their change, inside the window."""

from __future__ import annotations

from practica.compass.analysis.activity import Window
from practica.compass.analysis.registry import FigureContext
from practica.surveys.compass import Point, pulse_section


def context(points: list[Point], window: Window) -> FigureContext:
    # The pulse section reads only the window and its own loaded points.
    return FigureContext(
        activity=None,  # type: ignore[arg-type]
        derived=None,  # type: ignore[arg-type]
        window=window,
        extra={"pulse": points},
    )


POINTS = [
    Point(closed_at=100, respondents=6, scores={"trust": 4.0, "value": 5.0}),
    Point(closed_at=200, respondents=8, scores={"trust": 5.5}),
    Point(closed_at=300, respondents=7, scores={"trust": 5.0, "value": 6.0}),
]


def test_the_latest_score_and_its_change_since_the_survey_before():
    figures = pulse_section(context(POINTS, Window())).figures
    assert figures["surveys"] == 3 and figures["respondents"] == 7
    assert figures["trust"] == 5.0 and figures["trust_change"] == -0.5
    assert figures["value"] == 6.0 and figures["value_change"] == 1.0
    assert figures["psychological_safety"] is None
    assert figures["psychological_safety_change"] is None


def test_only_surveys_closed_inside_the_window_count():
    figures = pulse_section(context(POINTS, Window(since=150, until=250))).figures
    assert figures["surveys"] == 1 and figures["trust"] == 5.5
    assert figures["trust_change"] is None


def test_no_surveys_give_empty_figures_not_errors():
    figures = pulse_section(context([], Window())).figures
    assert figures["surveys"] == 0 and figures["respondents"] is None
