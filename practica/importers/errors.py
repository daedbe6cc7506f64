"""The one error every importer raises for input it cannot take."""

from __future__ import annotations

from practica.core.errors import InvalidInput


class ArchiveError(InvalidInput):
    """Bad input in an archive: names the file and, when known, the line or record.

    The message is one line, ready for a command to print as it is.
    """

    def __init__(self, file: str, problem: str, *, line: int | None = None) -> None:
        where = f"{file}, line {line}" if line else file
        flat = " ".join(problem.split())
        super().__init__(f"{where}: {flat}", field=file)
        self.file = file
        self.line = line
        self.problem = flat
