from django.apps import AppConfig


class WeavingConfig(AppConfig):
    name = "practica.weaving"
    label = "weaving"

    def ready(self) -> None:
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
