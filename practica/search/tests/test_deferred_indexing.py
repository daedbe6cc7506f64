"""Writes inside ``deferred_indexing`` (bulk imports) leave the index as the triggers would."""

from __future__ import annotations

from contextlib import AbstractContextManager

import pytest
from django.db import connection

from practica.exchange.models import Reply, Thread
from practica.search.backends import backend_for
from practica.search.services import document_count

pytestmark = pytest.mark.django_db


def _deferred() -> AbstractContextManager[None]:
    return backend_for(connection).deferred_indexing(connection)


def test_threads_and_replies_written_in_bulk_are_found_after_the_block(write, people):
    with _deferred():
        threads = Thread.objects.bulk_create(
            [
                Thread(community=people.community, author=people.member, title=t, body=b)
                for t, b in (("Rye", "<p>rye flour</p>"), ("Spelt", "> rye\nspelt grain"))
            ]
        )
        if threads[0].pk is None:
            threads = list(Thread.objects.order_by("pk"))
        Reply.objects.bulk_create([Reply(thread=threads[0], body="oats and barley")])
    assert sorted(write.titles("rye")) == ["Rye", "Spelt"]
    assert write.titles("barley") == ["Rye"]
    assert write.titles("grain") == ["Spelt"]
    assert document_count(connection=connection) == 3


def test_edits_moves_and_deletes_in_the_block_replace_the_old_documents(write, people):
    first = write.thread("First", "acetone")
    second = write.thread("Second", "Help.")
    moved = write.reply(first, "use rye")
    dropped = write.reply(first, "use spelt")
    gone = write.thread("Gone", "barley")
    with _deferred():
        Thread.objects.filter(pk=first.pk).update(body="apples")
        Reply.objects.filter(pk=moved.pk).update(thread=second)
        dropped.delete()
        gone.delete()
    assert write.titles("acetone") == []
    assert write.titles("apples") == ["First"]
    assert write.titles("rye") == ["Second"]
    assert write.titles("spelt") == []
    assert write.titles("barley") == []
    assert document_count(connection=connection) == 3


def test_the_triggers_index_each_write_again_after_the_block(write, people):
    with _deferred():
        write.thread("Inside", "rye")
    thread = write.thread("After", "spelt")
    write.reply(thread, "oats")
    assert write.titles("spelt") == ["After"]
    assert write.titles("oats") == ["After"]
    assert backend_for(connection).has_triggers(connection)


def test_an_error_in_the_block_rolls_back_rows_and_documents(write, people):
    with pytest.raises(RuntimeError), _deferred():
        write.thread("Lost", "rye")
        raise RuntimeError("half way")
    assert write.titles("rye") == []
    assert document_count(connection=connection) == 0
    assert backend_for(connection).has_triggers(connection)
