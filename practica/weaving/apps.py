from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _install_triggers(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # Rebuilding a table (SQLite alters tables that way) drops its triggers: put them back.
    from practica.weaving.visibility import triggers_install

    triggers_install(connections[using])


class WeavingConfig(AppConfig):
    name = "practica.weaving"
    label = "weaving"

    def ready(self) -> None:
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="weaving_triggers")
        from practica.communities.tabs import CommunityTab, register_tab
        from practica.exchange.panels import ThreadPanel, register_panel

        register_tab(CommunityTab(key="people", label="People", path="people/", order=25))
        register_panel(
            ThreadPanel(
                key="lived-before",
                template="weaving/_lived_before_panel.html",
                where="thread",
                order=10,
            )
        )
        register_panel(
            ThreadPanel(
                key="lived-before-compose",
                template="weaving/_compose_panel.html",
                where="compose",
                order=10,
            )
        )
