"""The loader's read-ahead: a parser's records reach the writer in order, errors in place."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest

from practica.importers.errors import ArchiveError
from practica.importers.loader import READ_AHEAD, read_ahead


def _numbers(count: int, *, fail_at: int | None = None) -> Iterator[int]:
    for n in range(count):
        if n == fail_at:
            raise ArchiveError("rooms.tsv", "sent_at 'xyz' is not an ISO date", line=n + 1)
        yield n


def test_records_come_in_order_in_lists_of_the_batch_size():
    chunks = list(read_ahead(_numbers(7), 3))
    assert chunks == [[0, 1, 2], [3, 4, 5], [6]]


def test_a_parser_error_comes_after_every_record_read_before_it():
    seen: list[int] = []
    with pytest.raises(ArchiveError, match="line 6"):
        for chunk in read_ahead(_numbers(10, fail_at=5), 2):
            seen += chunk
    assert seen == [0, 1, 2, 3, 4]


def test_the_parser_runs_at_most_a_few_batches_ahead():
    produced: list[int] = []

    def counted() -> Iterator[int]:
        for n in range(1000):
            produced.append(n)
            yield n

    chunks = read_ahead(counted(), 10)
    first = next(chunks)
    assert first == list(range(10))
    # Give the parser's thread time to fill the queue, then check it stopped there.
    threading.Event().wait(0.3)
    assert len(produced) <= 10 * (READ_AHEAD + 2)
    chunks.close()


def test_a_writer_that_stops_early_stops_the_parser_and_restores_the_interpreter():
    interval = sys.getswitchinterval()
    threads = threading.active_count()
    chunks = read_ahead(_numbers(100_000), 10)
    next(chunks)
    chunks.close()
    assert threading.active_count() == threads
    assert sys.getswitchinterval() == interval
