from django.apps import AppConfig


class CompassConfig(AppConfig):
    name = "practica.compass"
    label = "compass"
