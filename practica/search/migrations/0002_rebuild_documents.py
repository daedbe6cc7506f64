"""Rebuild the index in its current layout (on SQLite, documents moved to
rowids that name their thread, and the id columns went away)."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from practica.search.services import search_rebuild

    search_rebuild(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
