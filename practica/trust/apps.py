from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "practica.trust"
    label = "trust"
