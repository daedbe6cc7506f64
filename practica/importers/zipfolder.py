"""Read the files of an export that is either a .zip archive or the folder it unpacks to.

A zip is never unpacked to disk: each JSON file is read on its own, and only
after its declared sizes pass the checks below, so a hostile archive (a "zip
bomb", whose few kilobytes inflate to gigabytes) is refused before anything
is inflated.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from practica.importers.errors import ArchiveError

#: No single file of a chat export comes near this (a busy channel's day is
#: a few megabytes).
MAX_ENTRY_BYTES = 256 * 1024 * 1024
#: JSON compresses about tenfold; a far higher ratio is a bomb, not text.
MAX_RATIO = 200
#: Small entries may compress very well (a file of spaces) without harm.
RATIO_FLOOR_BYTES = 1024 * 1024


class Export:
    """The names and contents of an export's files, by their path inside it (``a/b.json``)."""

    def __init__(self, path: Path, zf: zipfile.ZipFile | None) -> None:
        self.path = path
        self._zip = zf
        self._names = _unwrapped(self._list())

    def where(self, name: str) -> str:
        """How errors name a file inside the export."""
        return f"{self.path}:{name}"

    def names(self) -> list[str]:
        return list(self._names)

    def folders(self) -> set[str]:
        return {name.split("/", 1)[0] for name in self._names if "/" in name}

    def files_in(self, folder: str) -> list[str]:
        """The files directly in ``folder``, by name (day files sort by date)."""
        prefix = folder + "/"
        return sorted(
            n for n in self._names if n.startswith(prefix) and "/" not in n[len(prefix) :]
        )

    def json(self, name: str, *, required: str = "") -> Any:
        if name not in self._names:
            raise ArchiveError(str(self.path), required or f"{name} is missing")
        data = self._read(name)
        try:
            return json.loads(data)
        except UnicodeDecodeError as exc:
            raise ArchiveError(self.where(name), f"not UTF-8 text (byte {exc.start})") from None
        except json.JSONDecodeError as exc:
            raise ArchiveError(
                self.where(name), f"not valid JSON: {exc.msg}", line=exc.lineno
            ) from None

    def _list(self) -> dict[str, Any]:
        if self._zip is None:
            root = self.path
            return {
                p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()
            }
        entries: dict[str, Any] = {}
        for info in self._zip.infolist():
            if info.is_dir():
                continue
            name = _safe_name(info.filename)
            if name is None:
                raise ArchiveError(str(self.path), f"entry {info.filename!r} has an unsafe path")
            _check_size(self.where(name), info)
            entries[name] = info
        return entries

    def _read(self, name: str) -> bytes:
        item = self._names[name]
        if self._zip is None:
            path: Path = item
            if path.stat().st_size > MAX_ENTRY_BYTES:
                raise ArchiveError(self.where(name), f"larger than {_mb(MAX_ENTRY_BYTES)}")
            return path.read_bytes()
        try:
            with self._zip.open(item) as fh:
                # Never trust the header alone: read at most one byte past the limit.
                data = fh.read(MAX_ENTRY_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise ArchiveError(self.where(name), f"cannot be read from the zip ({exc})") from None
        if len(data) > MAX_ENTRY_BYTES:
            raise ArchiveError(self.where(name), f"inflates past {_mb(MAX_ENTRY_BYTES)}")
        return data


@contextmanager
def open_export(path: Path) -> Iterator[Export]:
    """An ``Export`` over a zip file or a folder; an ``ArchiveError`` for anything else."""
    if path.is_dir():
        yield Export(path, None)
        return
    if not path.is_file():
        raise ArchiveError(str(path), "no such file or folder")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(str(path), f"not a readable zip archive ({exc})") from None
    with zf:
        yield Export(path, zf)


def _unwrapped(entries: dict[str, Any]) -> dict[str, Any]:
    """Zipping a folder often puts everything in it: read that folder as the export."""
    tops = {name.split("/", 1)[0] for name in entries}
    if len(tops) != 1 or not all("/" in name for name in entries):
        return entries
    return {name.split("/", 1)[1]: item for name, item in entries.items()}


def _safe_name(filename: str) -> str | None:
    parts = PurePosixPath(filename.replace("\\", "/")).parts
    if not parts or filename.startswith("/") or ".." in parts:
        return None
    return "/".join(parts)


def _check_size(where: str, info: zipfile.ZipInfo) -> None:
    if info.file_size > MAX_ENTRY_BYTES:
        raise ArchiveError(
            where,
            f"inflates to {_mb(info.file_size)}, more than the {_mb(MAX_ENTRY_BYTES)} "
            "any file of an export needs: refused",
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
        raise ArchiveError(
            where, f"compressed {ratio:.0f} to 1, like a zip bomb, not like text: refused"
        )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"
