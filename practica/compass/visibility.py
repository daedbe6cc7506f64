"""Who sees what of a compass: the one place that strips person-level detail.

A stored compass holds everything. Stewards see it all; members see the
aggregate version when the stewards share it, and person-level detail only when
they allow that too; nobody else sees anything (the selectors decide who is who).
"""

from __future__ import annotations

import copy
from typing import Any

#: Top-level keys that name people (or threads, through next steps).
PERSON_LEVEL_KEYS = ("detail", "map", "roster", "names")


def aggregate_only(result: dict[str, Any]) -> dict[str, Any]:
    """The compass without anything that names a person or lists their threads."""
    out = {k: copy.deepcopy(v) for k, v in result.items() if k not in PERSON_LEVEL_KEYS}
    out["next_steps"] = [
        {k: v for k, v in step.items() if k != "items"} for step in result.get("next_steps", [])
    ]
    out["person_level"] = False
    return out


def with_detail(result: dict[str, Any]) -> dict[str, Any]:
    out = dict(result)
    out["person_level"] = True
    return out
