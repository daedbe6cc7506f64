"""What the importers keep for themselves."""

from __future__ import annotations

from django.db import models

from practica.communities.models import Community


class ExportOrigin(models.Model):
    """A random name for one community in this database, made at its first export.

    Native threads, replies and ledger events have no id outside this database,
    so exports name them ``practica:<token>`` plus their id there. A restore
    stores that name as the rows' provenance, so a second restore finds them
    again, and the restored database's own new rows (another token) never take
    the same name.
    """

    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"practica:{self.token}"
