"""The index follows every write, whoever makes it, and can be rebuilt."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from practica.exchange.models import Reply, Thread
from practica.exchange.services import reply_edit, thread_edit
from practica.search.backends import backend_for
from practica.search.services import document_count, index_ensure, search_rebuild
from practica.search.text import indexed_text, quoted_text

pytestmark = pytest.mark.django_db


def test_editing_a_thread_reindexes_it(write, people):
    thread = write.thread("Starter", "It smells of acetone.")
    thread_edit(thread=thread, editor=people.member, title="Levain", body="It smells of apples.")
    assert write.titles("acetone") == []
    assert write.titles("apples") == ["Levain"]
    assert write.titles("starter") == []


def test_editing_a_reply_reindexes_it(write, people):
    thread = write.thread("Starter", "Help.")
    reply = write.reply(thread, "Use rye.")
    reply_edit(reply=reply, editor=people.steward, body="Use spelt.")
    assert write.titles("rye") == []
    assert write.titles("spelt") == ["Starter"]


def test_saving_a_whole_thread_without_text_changes_keeps_it_found(write):
    thread = write.thread("Starter", "rye")
    thread.view_count = 7
    thread.save()
    Thread.objects.filter(pk=thread.pk).update(score=3)
    assert write.titles("rye") == ["Starter"]
    assert document_count(connection=connection) == 1


def test_deleting_removes_threads_and_replies_from_results(write):
    kept = write.thread("Kept", "barley")
    gone = write.thread("Gone", "rye")
    reply = write.reply(kept, "rye from a reply")
    reply.delete()
    assert write.titles("rye") == ["Gone"]
    gone.delete()
    assert write.titles("rye") == []
    kept.delete()
    assert document_count(connection=connection) == 0


def test_a_reply_moved_to_another_thread_finds_the_new_thread(write):
    first = write.thread("First", "Help.")
    second = write.thread("Second", "Help too.")
    reply = write.reply(first, "Use rye.")
    Reply.objects.filter(pk=reply.pk).update(thread=second)
    assert write.titles("rye") == ["Second"]


def test_bulk_created_threads_and_replies_are_found(write, people):
    threads = Thread.objects.bulk_create(
        [
            Thread(community=people.community, author=people.member, title=f"Imported {n}", body=b)
            for n, b in enumerate(["<p>rye</p>", "barley", "> rye\nspelt"])
        ]
    )
    if threads[0].pk is None:  # backends that cannot return ids
        threads = list(Thread.objects.order_by("pk"))
    Reply.objects.bulk_create([Reply(thread=threads[1], body="oats and rye")])
    assert sorted(write.titles("rye")) == ["Imported 0", "Imported 1", "Imported 2"]
    assert write.titles("oats") == ["Imported 1"]
    assert write.titles("spelt") == ["Imported 2"]


def test_rebuilding_restores_a_lost_index(write, people):
    write.reply(write.thread("Starter", "rye"), "spelt")
    write.thread("Budget", "barley", community=people.private)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_document")
    assert write.titles("rye") == []
    report = search_rebuild()
    assert (report.communities, report.threads, report.replies, report.documents) == (2, 2, 1, 3)
    assert write.titles("rye") == write.titles("spelt") == ["Starter"]
    assert write.titles("barley", community=people.private) == ["Budget"]


def test_rebuilding_one_community_leaves_the_others_alone(write, people):
    write.thread("Starter", "rye")
    write.thread("Budget", "rye", community=people.private)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_document")
    report = search_rebuild(community=people.community)
    assert (report.communities, report.threads, report.documents) == (1, 1, 1)
    assert write.titles("rye") == ["Starter"]
    assert write.titles("rye", community=people.private) == []
    search_rebuild(community=people.community)
    assert document_count(connection=connection) == 1


def test_missing_triggers_are_put_back_and_the_index_caught_up(write):
    # As when a SQLite table rebuild in another app's migration drops them.
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER search_thread_insert"
            + (" ON exchange_thread" if connection.vendor == "postgresql" else "")
        )
    write.thread("Written while the triggers were gone", "rye")
    assert write.titles("rye") == []
    assert index_ensure(connection=connection) is True
    assert write.titles("rye") == ["Written while the triggers were gone"]
    assert index_ensure(connection=connection) is False


def test_rebuild_command_reports_in_json(write, people, capsys):
    write.reply(write.thread("Starter", "rye"), "spelt")
    call_command("search_rebuild", "--community", "growers", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["communities"] == 1 and report["threads"] == 1 and report["replies"] == 1
    assert write.titles("spelt") == ["Starter"]


def test_rebuild_command_names_an_unknown_community(db):
    with pytest.raises(CommandError, match="no community 'nowhere'"):
        call_command("search_rebuild", "--community", "nowhere")


def test_rebuild_command_says_what_it_indexed(write, capsys):
    write.thread("Starter", "rye")
    call_command("search_rebuild")
    out = capsys.readouterr().out
    assert "Indexed 1 threads" in out


CLEANING_SAMPLES = [
    "",
    "plain words",
    '<p class="x">Use <code>feed()</code> &amp; <a href="http://x.org">wait</a></p>',
    "List<String> and x<y and <b and c> d",
    "On Monday Ann wrote:\n> feed it twice\n  >> a day\nI feed it once.\n>last",
    "<!-- note -->text<br/>more<BR>end &lt;b&gt; &quot;q&quot; &#39;s&#39; a&nbsp;b",
    "tabs\tand\n\nnew   lines",
    "\ue000forged\ue001 marks",
]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="compares PostgreSQL's SQL cleaning with Python's"
)
@pytest.mark.parametrize("raw", CLEANING_SAMPLES)
def test_postgres_cleans_text_as_python_does(raw):
    with connection.cursor() as cursor:
        cursor.execute("SELECT practica_search_text(%s), practica_search_quoted(%s)", [raw, raw])
        assert cursor.fetchone() == (indexed_text(raw), quoted_text(raw))


def test_the_backend_matches_the_database(db):
    assert backend_for(connection).vendor == connection.vendor


def test_migrating_puts_back_triggers_that_a_table_rebuild_dropped(write):
    from django.apps import apps
    from django.db.models.signals import post_migrate

    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER search_reply_update"
            + (" ON exchange_reply" if connection.vendor == "postgresql" else "")
        )
    assert not backend_for(connection).has_triggers(connection)
    search = apps.get_app_config("search")
    post_migrate.send(
        sender=search,
        app_config=search,
        verbosity=0,
        interactive=False,
        using=connection.alias,
        apps=apps,
        plan=[],
    )
    assert backend_for(connection).has_triggers(connection)
