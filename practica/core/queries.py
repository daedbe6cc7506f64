"""Query shapes shared by the apps' adapters and selectors.

SQLite here gathers no planner statistics, so given ``community_id = ?`` and an
index on it, it walks the community's index even when another condition (a person,
an id range) would find a few rows at once: seconds a query in a community of a
million rows. A column behind a unary plus is served by no index, which leaves the
planner the better one. PostgreSQL plans with statistics and reads ``+col`` alike.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BigIntegerField, Expression, F, Func, QuerySet


def unindexed(name: str) -> Expression:
    """The integer column ``name`` behind a unary plus, which no index serves."""
    return Func(F(name), template="+%(expressions)s", output_field=BigIntegerField())


def of_community(
    queryset: QuerySet[Any], community_id: int, *, field: str = "community_id"
) -> QuerySet[Any]:
    """Rows of one community, found through the other conditions' indexes (a person's,
    an id range), the community checked on each row found."""
    return queryset.alias(_community=unindexed(field)).filter(_community=community_id)
