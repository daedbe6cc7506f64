from django.apps import AppConfig


class CompassConfig(AppConfig):
    name = "practica.compass"
    label = "compass"

    def ready(self) -> None:
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
