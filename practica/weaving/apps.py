from django.apps import AppConfig


class WeavingConfig(AppConfig):
    name = "practica.weaving"
    label = "weaving"

    def ready(self) -> None:
        from practica.communities.tabs import CommunityTab, register_tab

        register_tab(CommunityTab(key="people", label="People", path="people/", order=25))
