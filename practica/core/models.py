"""Abstract building blocks shared by the domain apps."""

from __future__ import annotations

from django.db import models


class Provenance(models.Model):
    """Where an item came from when it was imported from another system.

    Native content leaves all three fields empty. Imported content names the
    source (``beer.stackexchange.com``, ``gitter:freecodecamp``), the item's id
    there, and the licence it was published under, so that pages can show
    attribution and importers can recognise what they already brought in.
    """

    source = models.CharField(max_length=200, blank=True, default="")
    source_id = models.CharField(max_length=100, blank=True, default="")
    licence = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def is_imported(self) -> bool:
        return bool(self.source)
