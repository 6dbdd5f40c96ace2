"""Index changes are queued in the transaction that makes them, so none is lost to a crash."""

import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from whoosh.index import open_dir
from whoosh.qparser import QueryParser

from statements.admin import merge_speakers
from statements.indexing import drain_index_queue, queue_index_updates, retry_thread
from statements.models import IndexTask, Speaker, Statement

from .conftest import REPO, SEEDS, subprocess_env
from .factories import index_hits, make_statement


@pytest.fixture
def archive(committed_seeds):
    """The seeds, committed and indexed, with nothing left in the index queue."""
    assert IndexTask.objects.count() == 0


def test_a_rolled_back_save_queues_nothing_and_leaves_the_index_alone(archive):
    speaker = Speaker.objects.get(name="Kentaro Sonoura")
    with pytest.raises(RuntimeError), transaction.atomic():
        speaker.name = "Somebody Else"
        speaker.save()
        assert IndexTask.objects.count() == 1  # queued with the change ...
        raise RuntimeError("the editor's save failed")
    assert IndexTask.objects.count() == 0  # ... and rolled back with it
    assert index_hits("Sonoura") == 1 and index_hits("Somebody") == 0


def test_a_statement_changed_many_ways_in_one_transaction_is_queued_once(archive):
    statement = Statement.objects.get(source__startswith="003")
    with transaction.atomic():
        statement.title = "Remarks on Haiti"
        statement.save()
        statement.citations.all().delete()  # a signal for each citation, for the same statement
        statement.save()
        assert list(IndexTask.objects.values_list("statement_id", flat=True)) == [statement.pk]
    assert IndexTask.objects.count() == 0
    assert index_hits("Haiti") >= 1


def test_a_change_kept_after_an_inner_rollback_is_still_queued(archive):
    statement = Statement.objects.get(source__startswith="000")
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            statement.title = "Discarded Title"
            statement.save()
            raise RuntimeError("inner step failed")
        assert IndexTask.objects.count() == 0
        statement.title = "Kept Title About Bridges"
        statement.save()
        assert IndexTask.objects.filter(statement_id=statement.pk).count() == 1
    assert IndexTask.objects.count() == 0
    assert index_hits("Bridges") == 1 and index_hits("Discarded") == 0


def test_merged_speakers_reach_the_index_through_the_queue(transactional_db, search_index):
    first = make_statement("a.txt", "Mr. Bessho (Japan): We welcome resolution 2341 on infrastructure.")
    second = make_statement("b.txt", "Mr. Besho (Japan): We welcome the debate on peace operations today.")
    keep, typo = Speaker.objects.get(name="Bessho"), Speaker.objects.get(name="Besho")
    assert index_hits("Besho") == 1
    with transaction.atomic():
        merge_speakers(keep, [typo])
        queued = sorted(IndexTask.objects.values_list("statement_id", flat=True))
        assert queued == sorted([first.pk, second.pk])  # each statement once, in the merge's transaction
    assert IndexTask.objects.count() == 0
    assert index_hits("Besho") == 0 and index_hits("Bessho") == 2


def test_a_renamed_speaker_waits_in_the_queue_while_the_index_is_locked(archive):
    ix = open_dir(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    lock = ix.lock("WRITELOCK")
    assert lock.acquire()
    try:
        speaker = Speaker.objects.get(name="Kentaro Sonoura")
        speaker.name = "Kentaro Sonura"
        speaker.save()
        assert IndexTask.objects.count() == 1 and index_hits("Sonura") == 0
    finally:
        lock.release()
    assert retry_thread.wait_until_idle(timeout=60)
    assert IndexTask.objects.count() == 0
    assert index_hits("Sonoura") == 0 and index_hits("Sonura") == 1


def test_duplicate_tasks_become_one_index_write_each(archive, monkeypatch):
    from whoosh.writing import SegmentWriter

    statements = list(Statement.objects.order_by("pk"))
    IndexTask.objects.bulk_create(
        [IndexTask(statement_id=statements[0].pk)] * 3
        + [IndexTask(statement_id=statements[1].pk), IndexTask(statement_id=987654, action="delete")]
    )
    written = []
    original = SegmentWriter.update_document
    monkeypatch.setattr(
        SegmentWriter, "update_document", lambda self, **doc: written.append(doc) or original(self, **doc)
    )
    assert drain_index_queue() == 3
    assert sorted(int(doc["django_id"]) for doc in written) == [statements[0].pk, statements[1].pk]
    assert IndexTask.objects.count() == 0


def test_rebuilding_the_index_applies_and_clears_the_queue(archive):
    statement = Statement.objects.get(source__startswith="004")
    Statement.objects.filter(pk=statement.pk).update(title="Closing Remarks on Safeguards")  # no signal
    queue_index_updates([statement.pk, 987654])  # written and drained at once outside a transaction ...
    assert IndexTask.objects.count() == 0 and index_hits("Safeguards") == 1
    IndexTask.objects.create(statement_id=statement.pk)  # ... so put one back, as a crash would leave it
    call_command("rebuild_search_index", stdout=StringIO())
    assert IndexTask.objects.count() == 0 and index_hits("Safeguards") == 1


def test_sync_index_applies_queued_changes_its_audit_cannot_see(archive):
    statement = Statement.objects.get(source__startswith="004")
    # A change that leaves the statement's modified time alone, as a speaker's or a citation's
    # does, with its task left behind by a process that died before indexing it.
    Statement.objects.filter(pk=statement.pk).update(title="Closing Remarks on Safeguards")
    IndexTask.objects.create(statement_id=statement.pk)
    with pytest.raises(CommandError, match="1 statements have index changes queued"):
        call_command("sync_index", "--check", stdout=StringIO())
    out = StringIO()
    call_command("sync_index", stdout=out)
    assert "1 statements brought up to date from the index queue" in out.getvalue()
    assert IndexTask.objects.count() == 0 and index_hits("Safeguards") == 1
    call_command("sync_index", "--check", stdout=StringIO())


def test_drain_index_queue_refuses_a_negative_wait(db):
    with pytest.raises(CommandError, match="--wait: -1 is negative"):
        call_command("drain_index_queue", "--wait", "-1", stdout=StringIO())


# A real process, killed with SIGKILL after its commit and before its index write.

COMMITTED = "committed, not yet indexed"

# on_commit callbacks run in the order they were registered: this one, registered before the
# change, runs before the archive's own index update, says so and blocks until killed.
KILLED_AFTER_COMMIT = """
import threading
from django.db import transaction
from statements.models import Speaker, Statement

def stop_here():
    print({marker!r}, flush=True)
    threading.Event().wait()

with transaction.atomic():
    transaction.on_commit(stop_here)
    {change}
"""


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], check=False, cwd=REPO, env=env, capture_output=True, text=True
    )


def run_and_kill_after_commit(env, change):
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            KILLED_AFTER_COMMIT.format(marker=COMMITTED, change=change),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    try:
        for line in process.stdout:  # until the marker, or the end if the process fails first
            lines.append(line)
            if line.strip() == COMMITTED:
                break
    finally:
        process.kill()  # SIGKILL
        process.wait()
    assert lines and lines[-1].strip() == COMMITTED, "".join(lines) + process.stderr.read()
    assert process.returncode == -9


def queued(data):
    with sqlite3.connect(Path(data) / "archive.sqlite3") as database:
        return database.execute("select statement_id, action from statements_indextask").fetchall()


def in_index(env, words):
    ix = open_dir(env["WHOOSH_INDEX_PATH"])
    with ix.searcher() as searcher:
        return len(searcher.search(QueryParser("text", ix.schema).parse(words)))


@pytest.fixture
def archive_on_disk(tmp_path):
    """The seeds in an archive of its own on disk, for processes other than this one."""
    env = subprocess_env(tmp_path)
    assert manage(env, "migrate", "--no-input").returncode == 0
    result = manage(env, "ingest", str(SEEDS))
    assert result.returncode == 0, result.stderr
    assert queued(tmp_path) == []
    return tmp_path, env


@pytest.mark.slow
def test_a_rename_committed_by_a_process_killed_before_indexing_is_indexed_by_drain_index_queue(archive_on_disk):
    data, env = archive_on_disk
    run_and_kill_after_commit(
        env,
        "speaker = Speaker.objects.get(name='Kentaro Sonoura'); speaker.name = 'Kentaro Sonura'; speaker.save()",
    )
    assert len(queued(data)) == 1
    assert in_index(env, "Sonoura") == 1 and in_index(env, "Sonura") == 0  # the killed process never indexed
    check = manage(env, "sync_index", "--check")
    # The statement's row did not change (its speaker's did): only the queue knows it is stale.
    assert "0 missing from the index, 0 no longer in the database, 0 out of date" in check.stdout
    assert check.returncode != 0 and "1 statements have index changes queued" in check.stderr
    drained = manage(env, "drain_index_queue")
    assert drained.returncode == 0, drained.stderr
    assert "1 statements brought up to date from the index queue" in drained.stdout
    assert in_index(env, "Sonoura") == 0 and in_index(env, "Sonura") == 1
    assert queued(data) == []
    assert manage(env, "sync_index", "--check").returncode == 0


@pytest.mark.slow
def test_a_deletion_committed_by_a_process_killed_before_indexing_is_applied_by_the_next_import(
    archive_on_disk, tmp_path_factory
):
    data, env = archive_on_disk
    run_and_kill_after_commit(env, "Statement.objects.get(source__startswith='004').delete()")
    assert [action for _, action in queued(data)] == ["delete"]  # its citations' removal adds no task
    assert in_index(env, "GICNT") == 1
    texts = tmp_path_factory.mktemp("more")
    (texts / "new.txt").write_text("Mr. Bessho (Japan): We welcome resolution 2341 on bridges.", encoding="utf-8")
    result = manage(env, "ingest", str(texts))
    assert result.returncode == 0, result.stderr
    assert in_index(env, "GICNT") == 0 and in_index(env, "bridges") == 1
    assert queued(data) == []
    assert manage(env, "sync_index", "--check").returncode == 0
