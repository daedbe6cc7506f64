"""``{% load feeds %}{% feed_link community %}``: the page's Atom feed, for feed readers.

With ``thread``, the feed of that thread's replies. The address carries the
person's own feed token when they are a member (see ``exchange.feeds``).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from practica.communities.models import Community
from practica.exchange.feeds import feed_url_for
from practica.exchange.models import Thread

register = template.Library()


@register.simple_tag(takes_context=True)
def feed_link(
    context: template.Context, community: Community, thread: Thread | None = None
) -> SafeString:
    request = context.get("request")
    user: Any = getattr(request, "user", None)
    viewer = context.get("viewer")  # community pages know the viewer's standing
    member = getattr(viewer, "is_member", None) if viewer is not None else None
    url = feed_url_for(community=community, user=user, thread=thread, member=member)
    title = (
        f"{thread.title} (replies)" if thread is not None else f"{community.name}: latest threads"
    )
    return format_html(
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">', title, url
    )
