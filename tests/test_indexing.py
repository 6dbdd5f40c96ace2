"""The search index follows the database even when another process holds the Whoosh lock."""

import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from haystack import connections
from haystack.query import SearchQuerySet
from whoosh.index import open_dir

from statements.indexing import retry_thread, update_statements
from statements.models import Speaker, Statement

from .factories import index_hits


@pytest.fixture
def write_lock_held_by_another_writer():
    """Hold the Whoosh write lock, as an import in another process would, for 3.5 seconds."""
    ix = open_dir(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    lock = ix.lock("WRITELOCK")
    assert lock.acquire()
    releaser = threading.Timer(3.5, lock.release)
    releaser.start()
    yield
    releaser.join()


def test_a_statement_deleted_while_the_index_is_locked_stops_being_searchable(
    committed_seeds, write_lock_held_by_another_writer
):
    Statement.objects.get(source__startswith="004").delete()
    assert retry_thread.wait_until_idle(timeout=30)
    assert index_hits("GICNT") == 0
    assert SearchQuerySet().models(Statement).count() == 2


def test_a_speaker_renamed_while_the_index_is_locked_is_found_by_the_new_name(
    committed_seeds, write_lock_held_by_another_writer
):
    speaker = Speaker.objects.get(name="Kentaro Sonoura")
    speaker.name = "Kentaro Sonura"
    speaker.save()
    assert retry_thread.wait_until_idle(timeout=30)
    assert index_hits("Sonoura") == 0 and index_hits("Sonura") == 1


def test_removing_a_citation_reindexes_the_statement(committed_seeds):
    from haystack.inputs import Exact

    statement = Statement.objects.get(source__startswith="003")
    assert SearchQuerySet().filter(resolution=Exact("sc-2295")).count() == 1
    statement.citations.all().delete()
    assert SearchQuerySet().filter(resolution=Exact("sc-2295")).count() == 0


def test_sync_index_repairs_a_missing_and_an_orphaned_entry(committed_seeds):
    statement = Statement.objects.get(source__startswith="000")
    connections["default"].get_backend().remove(f"statements.statement.{statement.pk}")
    Statement.objects.filter(source__startswith="004").delete()  # a queryset delete still signals
    update_statements([123456])  # nothing to index: harmless
    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Statement)
    backend.update(index, [Statement(pk=999, body="ghost text", source="ghost.txt", content_hash="x")])
    with pytest.raises(CommandError, match="drifted"):
        call_command("sync_index", "--check", stdout=StringIO())
    out = StringIO()
    call_command("sync_index", stdout=out)
    assert "1 indexed, 1 removed, 0 reindexed" in out.getvalue()
    call_command("sync_index", "--check", stdout=StringIO())
    assert index_hits("ghost") == 0 and index_hits("infrastructure") == 1


def test_sync_index_reindexes_an_entry_older_than_its_statement(committed_seeds):
    from django.utils import timezone

    statement = Statement.objects.get(source__startswith="004")
    # A queryset update sends no signal: the index keeps the old title, as after a lost update.
    Statement.objects.filter(pk=statement.pk).update(title="Closing Remarks on Safeguards", modified=timezone.now())
    assert index_hits("Safeguards") == 0
    with pytest.raises(CommandError, match="drifted"):
        call_command("sync_index", "--check", stdout=StringIO())
    out = StringIO()
    call_command("sync_index", stdout=out)
    assert "1 out of date" in out.getvalue() and "1 reindexed" in out.getvalue()
    assert index_hits("Safeguards") == 1


def test_sync_index_rebuilds_an_index_built_with_other_fields(committed_seeds):
    ix = open_dir(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    writer = ix.writer()
    writer.remove_field("modified")  # as an index built by an older version of the code
    writer.commit()
    with pytest.raises(CommandError, match="other fields"):
        call_command("sync_index", "--check", stdout=StringIO())
    out = StringIO()
    call_command("sync_index", stdout=out)
    assert "rebuilding" in out.getvalue()
    call_command("sync_index", "--check", stdout=StringIO())
    assert index_hits("infrastructure") == 1
