from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "practica.surveys"
    label = "surveys"

    def ready(self) -> None:
        from practica.communities.tabs import CommunityTab, TabContext, register_tab
        from practica.compass.analysis.registry import FigureProvider, register_provider
        from practica.surveys import compass

        def members(context: TabContext) -> bool:
            return context.is_member

        register_tab(
            CommunityTab(key="surveys", label="Surveys", path="surveys/", order=45, shown=members)
        )
        register_provider(
            FigureProvider(
                key="pulse",
                title="Pulse surveys",
                order=90,
                load=compass.load_surveys,
                compute=compass.pulse_section,
                labels=compass.LABELS,
            )
        )
