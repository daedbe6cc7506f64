from django.apps import AppConfig


class WeavingConfig(AppConfig):
    name = "practica.weaving"
    label = "weaving"
