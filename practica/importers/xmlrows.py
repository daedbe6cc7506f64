"""Streaming, defensive reading of row-per-element XML files (Stack Exchange dumps).

Memory stays flat however large the file: each ``<row>`` is cleared once the
caller has read it and the rows before it are dropped from the tree.

Nothing in the file can make the parser fetch or expand anything: a file that
declares a DTD (the only way to define entities, hence "billion laughs" and
external-entity attacks) is refused before lxml sees it, and lxml itself runs
with entity resolution, DTD loading, network access and huge trees all off as
a second line of defence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from practica.importers.errors import ArchiveError

#: How far into a file its root element must start (XML declaration, comments).
PROLOG_LIMIT = 64 * 1024
_NAME_RE = re.compile(rb"[A-Za-z_][\w.\-]*")


def check_prolog(path: Path, *, name: str, root: str) -> None:
    """Refuse files that are not XML, declare a DTD, or have the wrong root element."""
    with path.open("rb") as handle:
        head = handle.read(PROLOG_LIMIT)
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while pos < len(head) and head[pos : pos + 1].isspace():
            pos += 1
        line = head.count(b"\n", 0, pos) + 1
        if pos >= len(head):
            raise ArchiveError(name, "no root element: the file is empty or not XML", line=line)
        if head.startswith(b"<?", pos):
            end = head.find(b"?>", pos)
            if end < 0:
                raise ArchiveError(name, "unterminated XML declaration", line=line)
            pos = end + 2
        elif head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos)
            if end < 0:
                raise ArchiveError(name, "unterminated comment before the root element", line=line)
            pos = end + 3
        elif head.startswith(b"<!", pos):
            raise ArchiveError(
                name,
                "the file declares a DTD or entities, which a data dump never has; refused",
                line=line,
            )
        elif head.startswith(b"<", pos) and (match := _NAME_RE.match(head, pos + 1)):
            found = match.group().decode("ascii", "replace")
            if found != root:
                raise ArchiveError(
                    name, f"expected <{root}> as the root element, found <{found}>", line=line
                )
            return
        else:
            raise ArchiveError(name, f"this is not an XML file (expected <{root}> rows)", line=line)


def iter_rows(path: Path, *, name: str, root: str) -> Iterator[etree._Element]:
    """Yield each ``<row>`` element; read it before asking for the next one.

    A malformed or truncated file raises ``ArchiveError`` with the line lxml
    stopped at.
    """
    check_prolog(path, name=name, root=root)
    context = etree.iterparse(
        str(path),
        events=("end",),
        tag="row",
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
    )
    try:
        for _event, element in context:
            yield element
            element.clear()
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or exc).split(f" ({path}")[0]
        raise ArchiveError(
            name, f"malformed or truncated XML: {message}", line=exc.lineno or None
        ) from None
    finally:
        del context
