"""Count the archive's rows as a parser's records go by, for the progress bar."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from practica.importers.records import Record, ReplyRecord, SkippedRecord, ThreadRecord

#: The records that stand for one row (message) of the archive each.
ROW_KINDS = (ThreadRecord, ReplyRecord, SkippedRecord)


class RowCounter:
    def __init__(self) -> None:
        self.rows = 0

    def count(self, records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            if isinstance(record, ROW_KINDS):
                self.rows += 1
            yield record
