from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _install_triggers(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # Rebuilding a table (SQLite alters tables that way) drops its triggers: put them back.
    from practica.compass.clock import triggers_install

    triggers_install(connections[using])


class CompassConfig(AppConfig):
    name = "practica.compass"
    label = "compass"

    def ready(self) -> None:
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="compass_triggers")
        from practica.communities.tabs import CommunityTab, TabContext, register_tab

        def shown(context: TabContext) -> bool:
            # Stewards always; members when the stewards share the compass with them.
            if context.is_steward:
                return True
            if not context.is_member:
                return False
            from practica.compass.models import CompassSettings

            return CompassSettings.objects.filter(
                community=context.community, members_see_aggregate=True
            ).exists()

        register_tab(
            CommunityTab(key="compass", label="Compass", path="compass/", order=40, shown=shown)
        )
