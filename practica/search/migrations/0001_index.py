"""The search index: an FTS5 table (SQLite) or a tsvector table (PostgreSQL), with
the triggers that keep it in step with threads and replies, filled from what
is already there. The SQL lives in ``practica.search.backends`` so that the
migration, the post-migrate check and ``search_rebuild`` share one definition.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    from practica.search.backends import backend_for
    from practica.search.services import search_rebuild

    connection = schema_editor.connection
    backend_for(connection).install(connection, fresh=True)
    search_rebuild(using=connection.alias)


def drop_index(apps, schema_editor):
    from practica.search.backends import backend_for

    backend_for(schema_editor.connection).uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0001_initial"),
        ("exchange", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
