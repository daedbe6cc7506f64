"""Read-only views of trust and safety for site administrators.

Changes go through the services (the stewards' pages, ``practica suspend``)
so that every one of them is audited; the admin only shows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from practica.trust.models import AuditEntry, Flag, Suspension, TrustLevel


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnly):
    list_display = ("created_at", "community", "actor", "action", "target_type", "target_label")
    list_filter = ("action",)


@admin.register(Suspension)
class SuspensionAdmin(ReadOnly):
    list_display = ("person", "community", "created_at", "ends_at", "lifted_at", "note")


@admin.register(Flag)
class FlagAdmin(ReadOnly):
    list_display = ("created_at", "community", "reason", "status", "thread", "reply")
    list_filter = ("status", "reason")


@admin.register(TrustLevel)
class TrustLevelAdmin(ReadOnly):
    list_display = ("person", "community", "level", "override_level", "computed_at")
