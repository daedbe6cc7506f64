"""Template helpers for every page: ``{% load ui %}``.

- ``{{ text|markdown }}``: Markdown (or imported HTML) as sanitised HTML.
- ``{% attribution item %}``: where an imported thread or reply came from.
- ``{% community_nav %}``: a community's header and tabs (see communities/tabs.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from practica.communities.models import Community, Membership
from practica.communities.selectors import can_read, membership_of
from practica.communities.tabs import TabContext, tabs_for
from practica.core.templatetags.attribution_links import licence_url, source_item_url
from practica.core.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    # render_markdown removes every tag and attribute not on its allow-list.
    return mark_safe(render_markdown(text or ""))


@register.inclusion_tag("core/_attribution.html")
def attribution(item: Any) -> dict[str, Any]:
    """Attribution for imported content; renders nothing for content written here."""
    source = getattr(item, "source", "")
    if not source:
        return {"show": False}
    if hasattr(item, "thread_id"):
        kind = "comment" if getattr(item, "kind", "") == "comment" else "answer"
    else:
        kind = "thread"
    author = getattr(item, "author", None)
    return {
        "show": True,
        "source": source,
        "source_url": source_item_url(source=source, source_id=item.source_id, item=kind),
        "author": author,
        "licence": item.licence,
        "licence_url": licence_url(item.licence),
    }


@register.inclusion_tag("communities/_community_nav.html", takes_context=True)
def community_nav(context: template.Context) -> dict[str, Any]:
    """The community's name and tabs, for any page that has ``community`` in its context.

    Views that already know the viewer's membership and read access pass them
    as ``membership`` and ``can_read`` so the header costs no extra queries.
    """
    community: Community = context["community"]
    request = context.get("request")
    user = getattr(request, "user", None)
    membership: Membership | None = (
        context["membership"]
        if "membership" in context
        else membership_of(community=community, user=user)
    )
    readable = (
        context["can_read"] if "can_read" in context else can_read(community=community, user=user)
    )
    tab_context = TabContext(community=community, membership=membership, can_read=readable)
    return {
        "community": community,
        "tabs": tabs_for(tab_context),
        "active_tab": context.get("active_tab", ""),
        "request": request,
    }


@register.filter(name="when")
def when_filter(moment: datetime | None) -> str:
    """Recent moments as "3 hours ago", older ones as a date a reader can place."""
    if moment is None:
        return ""
    age = timezone.now() - moment
    if timedelta(0) <= age < timedelta(days=7):
        return str(naturaltime(moment))
    if moment.year == timezone.now().year:
        return date_format(timezone.localtime(moment), "j M")
    return date_format(timezone.localtime(moment), "j M Y")


@register.filter(name="lookup")
def lookup_filter(mapping: dict[Any, Any] | None, key: Any) -> Any:
    """``{{ mine|lookup:community.pk }}``: a value from a dict, or None."""
    return (mapping or {}).get(key)
