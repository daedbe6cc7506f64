from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def _register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    # The index triggers call these on every write to threads and replies.
    if connection.vendor == "sqlite" and connection.connection is not None:
        from practica.search.backends.sqlite import register_functions

        register_functions(connection.connection)


def _check_index(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from practica.search.services import index_ensure

    index_ensure(connection=connections[using])


class SearchConfig(AppConfig):
    name = "practica.search"
    label = "search"

    def ready(self) -> None:
        connection_created.connect(_register_sqlite_functions, dispatch_uid="search_functions")
        for connection in connections.all(initialized_only=True):
            _register_sqlite_functions(None, connection)
        post_migrate.connect(_check_index, sender=self, dispatch_uid="search_check_index")
