"""The archive formats ``practica import`` knows: one line each in ``FORMATS``.

To add a format (a new parser):

1. Write ``practica/importers/<name>.py`` with ``parse(path) -> Iterator[Record]``
   (the contract in ``records.py``) and ``open_archive(path, options) -> Archive``
   (below). ``options`` holds the command's options by name (``site``, ...).
2. Optionally give it ``add_arguments(parser)`` for options of its own; they
   appear under ``practica import <name> --help``.
3. Add ``"<name>": "practica.importers.<name>"`` to ``FORMATS``.
4. Tests: a small fixture written by us under ``tests/fixtures/``, its counts,
   a second run changing nothing, and each kind of bad input giving one line.

A module may instead define ``run_import(path, options, progress) -> Outcome``
to write by itself (``practica``, the restore of an export, does).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from practica.communities.models import Community
from practica.importers.records import ImportStats

FORMATS: dict[str, str] = {
    "stackexchange": "practica.importers.stackexchange",
    "practica": "practica.importers.restore",
    "chat": "practica.importers.chat",
    "mbox": "practica.importers.mbox",
}


@dataclass
class Archive:
    """An archive opened for import: where it comes from and how to read it."""

    #: Provenance of every row (``beer.stackexchange.com``); part of each row's key.
    source: str
    #: The card of the community the command creates when ``--community`` names a new one.
    community_name: str
    records: Callable[[], Iterator[Any]]
    source_url: str = ""
    #: Rows in the archive, for the progress bar's ETA; ``None`` when unknown.
    estimate_rows: Callable[[], int | None] = lambda: None
    #: Rows read so far (the unit of the progress bar); ``None``: count records instead.
    rows_read: Callable[[], int] | None = None
    close: Callable[[], None] = lambda: None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    community: Community
    stats: ImportStats


def format_module(name: str) -> ModuleType | None:
    """The parser module of a format; ``None`` while nobody has written it yet."""
    try:
        return importlib.import_module(FORMATS[name])
    except ModuleNotFoundError as exc:
        if exc.name == FORMATS[name]:
            return None
        raise


OpenArchive = Callable[[Path, Mapping[str, Any]], Archive]
