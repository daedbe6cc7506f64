"""Figure providers: the compass's sections, and the place where other apps add theirs.

A provider computes one section of figures (``people``, ``reply_graph``, ...)
from a :class:`FigureContext`. Apps that record other signals (experiments for
collaborative learning, adoptions for influence) register a provider from their
``AppConfig.ready()``; a provider that needs its own tables names a ``load``
function, which the adapter calls with the community's id and whose result
reaches ``compute`` as ``context.extra[key]``::

    register_provider(FigureProvider(
        key="learning", title="Collaborative learning", order=70,
        load=load_experiments,          # Django side: reads the app's tables
        compute=learning_figures,       # pure: arrays in, figures out
        labels={"experiments_active": "Experiments running"},
    ))

Figures are plain numbers (or ``None`` when not measurable); anything that
names a person goes in ``Section.detail``, which only stewards (and members the
steward allows) see.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from practica.compass.analysis.activity import Activity, Bool, Window
from practica.compass.analysis.derived import Derived
from practica.compass.analysis.graph import (
    Clusters,
    ReplyGraph,
    approximate_betweenness,
    coreness,
    leiden,
)

Figures = dict[str, Any]


@dataclass
class Section:
    figures: Figures
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class FigureContext:
    """What a provider reads: the activity, the window, a seed, and shared results."""

    activity: Activity
    derived: Derived
    window: Window
    seed: int = 0
    #: Data loaded by providers' ``load`` functions, by provider key.
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: Sections computed so far (providers run in order; later ones may read earlier ones).
    sections: dict[str, Section] = field(default_factory=dict)

    @property
    def end(self) -> int:
        return self.window.end(self.activity)

    @cached_property
    def contribution_mask(self) -> Bool:
        return self.window.mask(self.derived.contribution_time)

    @cached_property
    def contributions_per_person(self) -> np.ndarray:
        persons = self.derived.contribution_person[self.contribution_mask]
        return np.bincount(persons, minlength=self.activity.n_people)

    @cached_property
    def contributors(self) -> np.ndarray:
        """Indices of the people who contributed in the window, ascending."""
        return np.flatnonzero(self.contributions_per_person)

    @cached_property
    def window_threads(self) -> Bool:
        """Which threads were started in the window."""
        return self.window.mask(self.activity.thread_time)

    @cached_property
    def participants(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct (thread, person) pairs of the window's threads: author and repliers."""
        from practica.compass.analysis.knowledge import thread_participants

        return thread_participants(self.activity, self.window_threads)

    @cached_property
    def edge_mask(self) -> Bool:
        return self.window.mask(self.derived.edge_time)

    @cached_property
    def graph(self) -> ReplyGraph:
        d = self.derived
        return ReplyGraph.from_replies(d.edge_source[self.edge_mask], d.edge_target[self.edge_mask])

    @cached_property
    def clusters(self) -> Clusters:
        return leiden(self.graph, seed=self.seed)

    @cached_property
    def coreness(self) -> np.ndarray:
        return coreness(self.graph)

    @cached_property
    def betweenness(self) -> np.ndarray:
        return approximate_betweenness(self.graph, seed=self.seed)


@dataclass(frozen=True)
class FigureProvider:
    key: str
    title: str
    compute: Callable[[FigureContext], Section]
    order: int = 100
    #: Django-side loader, given the community id; its result is ``context.extra[key]``.
    load: Callable[[int], Any] | None = None
    #: Human labels of the figures, for pages and reports.
    labels: Mapping[str, str] = field(default_factory=dict)


_PROVIDERS: dict[str, FigureProvider] = {}


def register_provider(provider: FigureProvider) -> None:
    """Add (or replace, by key) a provider; safe to call again when an app reloads."""
    _PROVIDERS[provider.key] = provider


def unregister_provider(key: str) -> None:
    _PROVIDERS.pop(key, None)


def providers() -> list[FigureProvider]:
    from practica.compass.analysis import builtin  # noqa: F401  (registers the built-ins)

    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.key))


def label_of(section: str, figure: str) -> str:
    provider = _PROVIDERS.get(section)
    if provider is not None and figure in provider.labels:
        return provider.labels[figure]
    return figure.replace("_", " ")
