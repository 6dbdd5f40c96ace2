"""Keeping the search index in step with the database.

The database is the source of truth; the index a rebuildable copy. What haystack's defaults
get wrong, handled here:

- A change and the promise to index it commit together: every save or delete that alters
  what the index shows writes an IndexTask row for each statement it touches, in the same
  transaction (haystack's RealtimeSignalProcessor updates the index inside the transaction,
  haystack #1033, #1883, and a process that dies after its commit loses the update). A
  rolled-back save leaves no task. (A save made outside any transaction, as in a shell, is
  committed by itself and its task written just after.) A speaker, country, meeting, resolution or citation change
  queues every statement that shows it (#1556).
- After the commit the saving process drains its tasks: one Whoosh writer for all of them, and
  the rows are deleted only once the index has committed. Tasks left by a process that died
  are drained by the next import, by `sync_index` (which `make run` runs) and by
  `drain_index_queue`.
- With Whoosh, haystack's `remove` swallows the `LockError` raised while another process
  holds the write lock (a deleted statement stayed searchable), and its `update` waits for
  the lock without limit (an admin save hangs behind an import). Here a Whoosh writer waits
  a bounded time; if the lock is still held, a background thread keeps retrying, and the
  tasks stay queued until one succeeds.
- Bulk imports queue as they go and drain everything in one batched update at the end.
"""

import ctypes
import datetime as dt
import logging
import os
import queue
import signal
import threading
import time
from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from haystack import connections
from haystack.backends.whoosh_backend import WhooshSearchBackend
from haystack.constants import ID
from haystack.query import SearchQuerySet
from haystack.signals import BaseSignalProcessor
from whoosh.index import LockError

from .models import Citation, Country, DocumentReference, IndexTask, Meeting, Resolution, Speaker, Statement

logger = logging.getLogger(__name__)
BATCH_SIZE = 500
BULK_THRESHOLD = 1000
MAX_LISTED_IDS = 10_000  # SQLite allows 32,766 parameters a query
LOCK_WAIT_SECONDS = 2.0
RETRY_FOR_SECONDS = 15 * 60
_state = threading.local()


def affected_statement_ids(instance) -> set[int]:
    if isinstance(instance, Statement):
        return {instance.pk}
    if isinstance(instance, (Citation, DocumentReference)):
        return {instance.statement_id}
    if isinstance(instance, Speaker):
        return set(instance.statements.values_list("pk", flat=True))
    if isinstance(instance, Country):
        return set(Statement.objects.filter(delegation=instance).values_list("pk", flat=True))
    if isinstance(instance, Resolution):
        return set(Statement.objects.filter(citations__resolution=instance).values_list("pk", flat=True))
    if isinstance(instance, Meeting):
        return set(instance.statements.values_list("pk", flat=True))
    return set()


def statement_identifier(pk) -> str:
    return f"statements.statement.{pk}"


def update_statements(ids, using="default", lock_wait=LOCK_WAIT_SECONDS):
    """Bring these statements' index entries up to date: reindex those that exist, drop the rest.

    Raises whoosh's LockError when another process holds the index for longer than `lock_wait`.
    """
    ids = sorted(set(ids))
    if not ids:
        return
    index = connections[using].get_unified_index().get_index(Statement)
    backend = connections[using].get_backend()
    if isinstance(backend, WhooshSearchBackend):
        writer = _whoosh_writer(backend, len(ids), lock_wait)
        _write_whoosh(writer, backend, index, ids, using)
        return
    _write_elsewhere(backend, index, ids, using)


def queue_index_updates(ids, action=IndexTask.Action.UPDATE, using="default"):
    """Queue these statements for reindexing in the current transaction, drained after it commits.

    A statement queued twice in one transaction gets one task; outside a transaction the
    task is written and drained at once.
    """
    ids = set(ids)
    if not ids:
        return
    connection = transaction.get_connection(using)
    tasks = _TransactionTasks.current(connection, using) if connection.in_atomic_block else None
    if tasks is None:
        tasks = _TransactionTasks(using)
    fresh = tasks.remember(ids, action, [sid for sid in connection.savepoint_ids if sid])
    IndexTask.objects.using(using).bulk_create(
        [IndexTask(statement_id=pk, action=action) for pk in sorted(fresh)], batch_size=BATCH_SIZE
    )
    transaction.on_commit(tasks, using=using)


def drain_index_queue(statement_ids=None, using="default", lock_wait=LOCK_WAIT_SECONDS) -> int:
    """Apply the queued index changes (all of them, or those for these statements), then delete
    their tasks: a task is deleted only after the index has committed its change.

    Returns how many statements were reindexed or removed from the index. Raises whoosh's
    LockError when another process holds the index for longer than `lock_wait`; the tasks
    then stay queued.
    """
    backend = connections[using].get_backend()
    index = connections[using].get_unified_index().get_index(Statement)
    if isinstance(backend, WhooshSearchBackend):
        expected = _queued(statement_ids, using).values("statement_id").distinct().count()
        if not expected:
            return 0
        writer = _whoosh_writer(backend, expected, lock_wait)
        try:
            # Read under the write lock: two processes draining at once cannot write an older
            # version of a statement over a newer one.
            tasks = dict(_queued(statement_ids, using).values_list("pk", "statement_id"))
        except BaseException:
            writer.cancel()
            raise
        _write_whoosh(writer, backend, index, sorted(set(tasks.values())), using)
    else:
        tasks = dict(_queued(statement_ids, using).values_list("pk", "statement_id"))
        _write_elsewhere(backend, index, sorted(set(tasks.values())), using)
    delete_tasks(tasks, using)
    return len(set(tasks.values()))


def delete_tasks(task_ids, using="default"):
    """Forget these tasks: the index has committed their changes."""
    for batch in _batches(sorted(task_ids)):
        IndexTask.objects.using(using).filter(pk__in=batch).delete()


def queued_count(using="default") -> int:
    """How many statements wait in the queue for the index to catch up."""
    return IndexTask.objects.using(using).values("statement_id").distinct().count()


def _queued(statement_ids, using):
    tasks = IndexTask.objects.using(using)
    if statement_ids is None or len(statement_ids) > MAX_LISTED_IDS:  # draining more is harmless
        return tasks
    return tasks.filter(statement_id__in=list(statement_ids))


def indexed_statements() -> dict[int, dt.datetime | None]:
    """Each indexed statement's id with the last-modified time its index entry was made from."""
    backend = connections["default"].get_backend()
    if isinstance(backend, WhooshSearchBackend):
        # Reading the stored fields directly: haystack pages through a search 100 results at a time.
        if not backend.setup_complete:
            backend.setup()
        with backend.index.refresh().searcher() as searcher:
            return {
                int(fields["django_id"]): fields.get("modified")
                for fields in searcher.reader().all_stored_fields()
                if fields.get("django_ct") == "statements.statement"
            }
    return {int(pk): modified for pk, modified in SearchQuerySet().models(Statement).values_list("pk", "modified")}


def _batches(ids):
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def whoosh_document(backend, index, statement) -> dict:
    """A statement's index entry as Whoosh takes it, converted the way haystack's backend does."""
    document = {key: backend._from_python(value) for key, value in index.full_prepare(statement).items()}
    document.pop("boost", None)  # Whoosh 2.5+ has no document boosts
    return document


def _whoosh_writer(backend, documents, lock_wait):
    if not backend.setup_complete:
        backend.setup()
    backend.index = backend.index.refresh()
    return backend.index.writer(timeout=lock_wait, **writer_options(documents))


def _write_whoosh(writer, backend, index, ids, using):
    """One writer, one commit; nothing is written if anything fails."""
    try:
        for batch in _batches(ids):
            found = set()
            for statement in index.index_queryset(using=using).filter(pk__in=batch):
                found.add(statement.pk)
                writer.update_document(**whoosh_document(backend, index, statement))
            for missing in set(batch) - found:
                writer.delete_by_term(ID, statement_identifier(missing))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise


def _write_elsewhere(backend, index, ids, using):
    for batch in _batches(ids):
        statements = list(index.index_queryset(using=using).filter(pk__in=batch))
        if statements:
            backend.update(index, statements)
        for missing in set(batch) - {statement.pk for statement in statements}:
            backend.remove(statement_identifier(missing))


try:
    # Looked up once here: a forked child should call it, not import or load a library.
    _prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl
except (OSError, AttributeError):
    _prctl = None  # not Linux: children of a killed writer may linger until their queue closes
PR_SET_PDEATHSIG = 1
_forking_pid = None


def _remember_forking_process():
    global _forking_pid
    _forking_pid = os.getpid()


def _die_with_parent():
    """In a forked child: be killed when the parent dies, so a killed rebuild leaves no workers behind."""
    if _prctl is None:
        return
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != _forking_pid:  # the parent died before the line above: no signal would come
        os.kill(os.getpid(), signal.SIGKILL)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_remember_forking_process, after_in_child=_die_with_parent)


def writer_options(documents: int) -> dict:
    """Large batches are analysed by two processes, each writing its own segment (measured: 1.7x faster)."""
    if documents >= BULK_THRESHOLD and (os.cpu_count() or 1) > 1:
        return {"procs": 2, "multisegment": True, "limitmb": 128}
    return {"limitmb": 128}


class _RetryThread:
    """Retries index updates that found the Whoosh index locked, until they succeed or time runs out."""

    def __init__(self):
        self.queue = queue.Queue()
        self.thread = None
        self.lock = threading.Lock()

    def submit(self, ids):
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="index-retry", daemon=True)
                self.thread.start()
        self.queue.put((set(ids), time.monotonic() + RETRY_FOR_SECONDS))

    def wait_until_idle(self, timeout=30):
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self.queue.unfinished_tasks

    def _run(self):
        while True:
            ids, deadline = self.queue.get()
            try:
                self._update_until(ids, deadline)
            finally:
                self.queue.task_done()

    def _update_until(self, ids, deadline):
        from django.db import connections as databases

        while True:
            try:
                drain_index_queue(ids)
                return
            except LockError:
                if time.monotonic() > deadline:
                    logger.error(
                        "search index still locked; statements %s stay queued: run drain_index_queue", sorted(ids)
                    )
                    return
            except Exception:
                logger.exception("search index update failed; statements %s stay queued", sorted(ids))
                return
            finally:
                # This thread's connection must not outlive the work (PostgreSQL counts it as a user).
                databases.close_all()


retry_thread = _RetryThread()


@contextmanager
def deferred_index_updates():
    """Inside, changes are queued but not indexed at each commit; on the way out the whole
    queue (with whatever a killed process left in it) is drained in one batched update."""
    if getattr(_state, "deferred", False):
        yield
        return
    _state.deferred = True
    try:
        yield
    finally:
        _state.deferred = False
        drain_index_queue(lock_wait=RETRY_FOR_SECONDS)


def _drain_after_commit(ids):
    try:
        drain_index_queue(ids)
    except LockError:
        logger.warning("search index locked; retrying statements %s in the background", sorted(ids))
        retry_thread.submit(ids)
    except Exception:
        logger.exception("search index update failed; statements %s stay queued", sorted(ids))


class _TransactionTasks:
    """The tasks one transaction has queued, and its on-commit drain of them.

    Registered with on_commit at every queueing, so it runs once after the commit and is
    forgotten with a rollback. A statement is queued once per transaction, unless the
    savepoint it was queued in has since been rolled back.
    """

    def __init__(self, using):
        self.using = using
        self.written = {}  # (statement id, action) -> the savepoints open when its task was written
        self.done = False

    @classmethod
    def current(cls, connection, using):
        for _, func, _ in reversed(connection.run_on_commit):
            if isinstance(func, cls) and func.using == using and not func.done:
                return func
        return None

    def remember(self, ids, action, savepoints) -> set[int]:
        """The statements among `ids` that need a task written now."""
        fresh = set()
        for pk in ids:
            opened = self.written.get((pk, action))
            if opened is None or savepoints[: len(opened)] != opened:
                self.written[(pk, action)] = savepoints
                fresh.add(pk)
        return fresh

    def __call__(self):
        if self.done:
            return
        self.done = True
        if not getattr(_state, "deferred", False):  # a bulk import drains the queue at its end
            _drain_after_commit({pk for pk, _ in self.written})


class StatementSignalProcessor(BaseSignalProcessor):
    """Queue index updates for statements touched by a save or delete, in the same transaction."""

    models = (Statement, Citation, DocumentReference, Speaker, Country, Resolution, Meeting)

    def setup(self):
        for model in self.models:
            post_save.connect(self.handle_change, sender=model)
            post_delete.connect(self.handle_change, sender=model)

    def teardown(self):
        for model in self.models:
            post_save.disconnect(self.handle_change, sender=model)
            post_delete.disconnect(self.handle_change, sender=model)

    def handle_change(self, sender, instance, signal=None, using="default", origin=None, **kwargs):
        if signal is post_delete and _deleted_with_its_statement(instance, origin):
            return  # the statement's own deletion queues it
        deleted = signal is post_delete and isinstance(instance, Statement)
        action = IndexTask.Action.DELETE if deleted else IndexTask.Action.UPDATE
        queue_index_updates(affected_statement_ids(instance), action, using=using)


def _deleted_with_its_statement(instance, origin) -> bool:
    """A citation or reference removed because its statement is being deleted."""
    if not isinstance(instance, (Citation, DocumentReference)):
        return False
    return isinstance(origin, Statement) or getattr(origin, "model", None) is Statement
