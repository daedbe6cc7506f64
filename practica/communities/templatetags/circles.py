"""Template helpers for circles: ``{% load circles %}``.

- ``{% attributed item as who %}``: how the author of a thread or reply is shown to the
  person looking (the Chatham House rule, see ``communities.circles.attribution_for``);
  ``who.name`` is always set, ``who.person`` only when the name may link to a profile.
- ``{% circle_badge circle %}``: the circle's name with its tier.
- ``{% if thread|may_leave_circle %}``: whether its words may go into community-wide
  material (a practice card, a publication).
"""

from __future__ import annotations

from typing import Any

from django import template

from practica.communities.circles import Attribution, attribution_for, may_leave_circle
from practica.communities.models import Circle, CircleTier

register = template.Library()


@register.simple_tag(takes_context=True)
def attributed(context: template.Context, item: Any) -> Attribution:
    request = context.get("request")
    return attribution_for(item, getattr(request, "user", None))


#: Short names of the tiers, for badges (the choices' labels explain them in full).
TIER_NAMES = {
    CircleTier.OPEN: "open",
    CircleTier.MEMBERS: "members",
    CircleTier.PRIVATE: "private",
    CircleTier.CONFIDENTIAL: "confidential",
}


@register.inclusion_tag("communities/_circle_badge.html", takes_context=True)
def circle_badge(
    context: template.Context, circle: Circle | None, link: bool = True
) -> dict[str, Any]:
    if circle is None:
        return {"circle": None}
    # Pages about a community have it in their context: no query for the circle's.
    community = context.get("community") or circle.community
    return {
        "circle": circle,
        "slug": community.slug,
        "link": link,
        "tier": TIER_NAMES.get(CircleTier(circle.tier), circle.tier),
    }


@register.filter(name="may_leave_circle")
def may_leave_circle_filter(thread: Any) -> bool:
    return may_leave_circle(thread)
