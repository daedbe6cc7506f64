from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "practica.communities"
    label = "communities"

    def ready(self) -> None:
        from practica.communities import circle_compass
        from practica.compass.analysis.registry import FigureProvider, register_provider

        # Confidential circles reach the compass only as counts (see docs/privacy.md).
        register_provider(
            FigureProvider(
                key="confidential",
                title="Confidential circles",
                order=95,
                load=circle_compass.load_confidential,
                compute=circle_compass.confidential_section,
                labels=circle_compass.LABELS,
            )
        )
