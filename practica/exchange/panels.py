"""Panels other apps add beside a thread, or beside the form that starts one.

Knowledge weaving shows what was "lived before"; later apps may show related
experiments or practices. An app registers a panel once, from its
``AppConfig.ready()``::

    from practica.exchange.panels import ThreadPanel, register_panel

    register_panel(ThreadPanel(
        key="lived-before",
        template="weaving/_lived_before_panel.html",
        where="thread",          # or "compose": the new-thread form
        order=10,
    ))

The template is included in the page's own context: ``community``, ``viewer``,
``request``, and ``thread`` (thread page) or ``form`` (compose page). A panel
loads its own data, with an inclusion tag or with htmx (for instance
``hx-get`` with ``hx-trigger="load"``, or ``keyup changed delay:500ms from:#id_title``
on the compose form), so a slow panel never slows the page itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Where = Literal["thread", "compose"]


@dataclass(frozen=True)
class ThreadPanel:
    key: str
    template: str
    where: Where = "thread"
    order: int = 50


_PANELS: dict[str, ThreadPanel] = {}


def register_panel(panel: ThreadPanel) -> None:
    """Add (or replace, by key) a panel."""
    _PANELS[panel.key] = panel


def panels_for(where: Where) -> list[ThreadPanel]:
    return sorted((p for p in _PANELS.values() if p.where == where), key=lambda p: (p.order, p.key))
