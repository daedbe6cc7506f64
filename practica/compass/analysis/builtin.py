"""The compass's own figure providers, registered on import (see ``registry.providers``)."""

from __future__ import annotations

from practica.compass.analysis import journey, knowledge, people, replygraph, responsiveness, trust
from practica.compass.analysis.registry import FigureProvider, register_provider

# The reply graph comes before trust and the newcomer journey, which read it.
for provider in (
    FigureProvider("people", "People", people.people_section, 10, labels=people.LABELS),
    FigureProvider(
        "responsiveness",
        "Responsiveness",
        responsiveness.responsiveness_section,
        20,
        labels=responsiveness.LABELS,
    ),
    FigureProvider(
        "reply_graph", "Reply graph", replygraph.reply_graph_section, 30, labels=replygraph.LABELS
    ),
    FigureProvider("trust", "Trust signals", trust.trust_section, 40, labels=trust.LABELS),
    FigureProvider(
        "newcomers", "Newcomer journey", journey.journey_section, 50, labels=journey.LABELS
    ),
    FigureProvider(
        "knowledge", "Knowledge exchange", knowledge.knowledge_section, 60, labels=knowledge.LABELS
    ),
):
    register_provider(provider)
