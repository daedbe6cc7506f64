"""``practica import chat PATH --format gitter|slack``: chat archives, one parser per service."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from practica.importers import gitter, slack
from practica.importers.formats import Archive

OPENERS = {"gitter": gitter.open_archive, "slack": slack.open_archive}


def add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--format",
        dest="chat_format",
        choices=sorted(OPENERS),
        required=True,
        help="gitter: a room's TSV file or a folder of them; slack: a workspace export (.zip)",
    )
    parser.add_argument(
        "--licence",
        default=None,
        help="licence of the messages (an SPDX id such as CC-BY-4.0); Gitter reads it from "
        "a LICENSE file beside the archive when not given",
    )


def open_archive(path: Path, options: Mapping[str, Any]) -> Archive:
    return OPENERS[options["chat_format"]](path, options)
