from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "practica.exchange"
    label = "exchange"
