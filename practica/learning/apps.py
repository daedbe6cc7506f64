from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "practica.learning"
    label = "learning"

    def ready(self) -> None:
        from practica.communities.tabs import CommunityTab, register_tab
        from practica.exchange.panels import ThreadPanel, register_panel
        from practica.learning.compass_signals import register as register_compass_signals

        for key, label, path, order in (
            ("experiments", "Experiments", "experiments/", 32),
            ("practices", "Practices", "practices/", 34),
            ("learning-agenda", "Learning agenda", "learning-agenda/", 36),
        ):
            register_tab(CommunityTab(key=key, label=label, path=path, order=order))
        register_panel(ThreadPanel(key="distil", template="learning/_distil_panel.html", order=30))
        register_compass_signals()
