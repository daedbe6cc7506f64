from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "practica.ledger"
    label = "ledger"
