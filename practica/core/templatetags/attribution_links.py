"""Links for the attribution of imported content: the item at its source, the licence deed.

Pure functions, so the rules can be tested without templates.
"""

from __future__ import annotations

import re

# Stack Exchange network sites that do not live under *.stackexchange.com.
_STACK_EXCHANGE_HOSTS = frozenset(
    {
        "stackoverflow.com",
        "serverfault.com",
        "superuser.com",
        "askubuntu.com",
        "mathoverflow.net",
        "stackapps.com",
    }
)
_HOST_RE = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")
_CC_RE = re.compile(r"^CC[- ](BY(?:-(?:SA|NC|ND))*)[- ](\d\.\d)$", re.IGNORECASE)
_CC0_RE = re.compile(r"^CC0(?:[- ]1\.0)?$", re.IGNORECASE)


def is_stack_exchange(source: str) -> bool:
    host = source.strip().lower()
    if not _HOST_RE.match(host):
        return False
    if host.startswith("meta."):
        host = host[len("meta.") :]
    return host.endswith(".stackexchange.com") or host in _STACK_EXCHANGE_HOSTS


def source_item_url(*, source: str, source_id: str, item: str) -> str | None:
    """Where an imported item lives at its source, when we know how to link to it.

    ``item`` is ``thread``, ``answer`` or ``comment``. Stack Exchange has short
    links for questions (/q/ID) and answers (/a/ID), and a permalink for comments.
    """
    if not source_id.isdigit() or not is_stack_exchange(source):
        return None
    host = source.strip().lower()
    if item == "thread":
        return f"https://{host}/q/{source_id}"
    if item == "answer":
        return f"https://{host}/a/{source_id}"
    if item == "comment":
        return f"https://{host}/posts/comments/{source_id}"
    return None


def licence_url(licence: str) -> str | None:
    """The Creative Commons deed for a licence name such as ``CC BY-SA 4.0``."""
    name = licence.strip()
    match = _CC_RE.match(name)
    if match:
        kind, version = match.groups()
        return f"https://creativecommons.org/licenses/{kind.lower()}/{version}/"
    if _CC0_RE.match(name):
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    return None
