"""python manage.py rebuild_search_index

Rebuilds the search index from the database without ever showing readers a partial index.

haystack's `rebuild_index` clears the index and then refills it, so a rebuild killed half-way
leaves readers with half the archive (400 of 4,998 statements, measured). With Whoosh, this
command writes every statement into new segments while readers keep searching the last
complete index, then replaces the segment list in one atomic commit of the index's table of
contents. Killed at any moment, it leaves the previous index whole; the next run starts over.

It also restores a damaged index (a truncated table of contents or segment): the new index is
built in a folder beside it while searches keep answering 503, then takes its place; the
damaged folder is kept aside for inspection.
"""

import logging
import os
import shutil
import time

from django.core.management.base import BaseCommand
from haystack import connections
from haystack.backends.whoosh_backend import WhooshSearchBackend
from whoosh.writing import CLEAR

from statements.indexing import RETRY_FOR_SECONDS, delete_tasks, update_statements, whoosh_document, writer_options
from statements.models import IndexTask, Statement
from statements.search.whoosh_backend import field_signature
from statements.search.whoosh_internals import IndexFiles, open_storage, read_toc

logger = logging.getLogger(__name__)
CHUNK = 2000
PROGRESS_EVERY = 200


def index_damage(path):
    """Why the Whoosh index at `path` cannot be read as it stands, or None when it can."""
    try:
        storage = open_storage(path)
        ix = storage.open_index()
        IndexFiles(storage, read_toc(ix)).check()
        ix.doc_count()
    except Exception as error:  # noqa: BLE001 - whoosh raises many kinds for a damaged TOC (EOFError, struct.error, ...)
        return f"{error.__class__.__name__}: {error}"
    return None


def rebuild_whoosh(backend: WhooshSearchBackend, index, progress=None) -> int:
    """Write all statements into fresh segments, then swap them in with one TOC commit.

    A damaged index stays where it is (searches answer 503) while the new one is built in a
    folder beside it; the finished index then takes its place and the damaged one is kept aside.
    """
    path = backend.path.rstrip(os.sep)
    damage = index_damage(path) if os.path.exists(path) else None
    building = f"{path}.rebuilding" if damage else path
    if damage:
        shutil.rmtree(building, ignore_errors=True)  # what a killed earlier attempt left
        _content_field, schema = backend.build_schema(
            connections[backend.connection_alias].get_unified_index().all_searchfields()
        )
        ix = open_storage(building).create().create_index(schema)
    else:
        backend.setup_complete = False
        backend.setup()
        ix, schema = backend.index, backend.schema
    # Queued changes read before the statements are all in the rebuild: their tasks go after it.
    queued = list(IndexTask.objects.values_list("pk", flat=True))
    ids = list(Statement.objects.order_by("pk").values_list("pk", flat=True))
    writer = ix.writer(timeout=RETRY_FOR_SECONDS, **writer_options(len(ids)))
    try:
        _align_schema(writer, schema)
        for start in range(0, len(ids), CHUNK):
            statements = index.index_queryset().filter(pk__in=ids[start : start + CHUNK])
            for done, statement in enumerate(statements, start + 1):
                writer.add_document(**whoosh_document(backend, index, statement))
                if progress and (done % PROGRESS_EVERY == 0 or done == len(ids)):
                    progress(done, len(ids))
        # CLEAR drops every existing segment in the same commit that adds the new one.
        writer.commit(mergetype=CLEAR)
    except BaseException:
        writer.cancel()
        raise
    if damage:
        aside = f"{path}.damaged-{int(time.time())}"
        logger.error("search index at %s was damaged (%s); rebuilt, the damaged one kept at %s", path, damage, aside)
        os.replace(path, aside)
        os.replace(building, path)
        backend.setup_complete = False
        backend.setup()
    else:
        backend.index = ix.refresh()
    delete_tasks(queued)
    return len(ids)


def _align_schema(writer, schema):
    """Give the index the fields the code's SearchIndex defines now."""
    current = writer.schema
    for name in list(current.names()):
        if name not in schema.names():
            writer.remove_field(name)
    for name in schema.names():
        if name not in current.names() or field_signature(current[name]) != field_signature(schema[name]):
            if name in current.names():
                writer.remove_field(name)
            writer.add_field(name, schema[name])


class Command(BaseCommand):
    help = "Rebuild the search index from the database; readers keep the old index until the new one is complete."

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        backend = connections["default"].get_backend()
        index = connections["default"].get_unified_index().get_index(Statement)
        started = time.monotonic()
        if isinstance(backend, WhooshSearchBackend):
            count = rebuild_whoosh(backend, index, progress=self.progress)
            self.clean_damaged_copies(backend.path)
        else:
            # Elasticsearch and Solr replace documents in place: nothing disappears meanwhile.
            ids = list(Statement.objects.values_list("pk", flat=True))
            update_statements(ids)
            count = len(ids)
        self.stdout.write(f"indexed {count} statements in {time.monotonic() - started:.1f} s")

    def progress(self, done, total):
        """Statements written so far: redrawn on a terminal; a line each with -v 2 (a kill test waits for them)."""
        if self.stderr.isatty():
            self.stderr.write(f"\r{done}/{total} statements", ending="")
        elif self.verbosity >= 2:
            self.stdout.write(f"{done}/{total} statements written" + (", committing" if done == total else ""))
            self.stdout.flush()

    def clean_damaged_copies(self, path):
        parent, name = os.path.split(path.rstrip(os.sep))
        for entry in os.listdir(parent or "."):
            if entry.startswith(f"{name}.damaged-"):
                self.stdout.write(f"a damaged index was kept for inspection at {os.path.join(parent, entry)}")
