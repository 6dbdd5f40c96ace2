"""python manage.py rebuild_search_index

Rebuilds the search index from the database without ever showing readers a partial index.

haystack's `rebuild_index` clears the index and then refills it, so a rebuild killed half-way
leaves readers with half the archive (400 of 4,998 statements, measured). With Whoosh, this
command writes every statement into new segments while readers keep searching the last
complete index, then replaces the segment list in one atomic commit of the index's table of
contents. Killed at any moment, it leaves the previous index whole; the next run starts over.

It also restores a damaged index (a truncated or missing table of contents): the damaged
folder is moved aside and a new index is built in its place.
"""

import logging
import os
import time

from django.core.management.base import BaseCommand
from haystack import connections
from haystack.backends.whoosh_backend import WhooshSearchBackend
from whoosh.writing import CLEAR

from statements.indexing import RETRY_FOR_SECONDS, update_statements, whoosh_document, writer_options
from statements.models import Statement
from statements.search.whoosh_backend import field_signature

logger = logging.getLogger(__name__)
CHUNK = 2000


def open_or_recreate(backend: WhooshSearchBackend):
    """The backend's Whoosh index, moving a damaged one aside and starting afresh."""
    try:
        backend.setup_complete = False
        backend.setup()
        backend.index.refresh().doc_count()
        return backend.index, None
    except Exception as error:  # whoosh raises many kinds for a damaged TOC (EOFError, struct.error, ...)
        damaged = f"{backend.path.rstrip(os.sep)}.damaged-{int(time.time())}"
        logger.error("search index at %s is damaged (%r); moved to %s", backend.path, error, damaged)
        if os.path.exists(backend.path):
            os.replace(backend.path, damaged)
        os.makedirs(backend.path)
        backend.setup_complete = False
        backend.setup()
        return backend.index, damaged


def rebuild_whoosh(backend: WhooshSearchBackend, index, progress=None) -> int:
    """Write all statements into fresh segments, then swap them in with one TOC commit."""
    ix, _ = open_or_recreate(backend)
    ids = list(Statement.objects.order_by("pk").values_list("pk", flat=True))
    writer = ix.writer(timeout=RETRY_FOR_SECONDS, **writer_options(len(ids)))
    try:
        _align_schema(writer, backend.schema)
        for start in range(0, len(ids), CHUNK):
            for statement in index.index_queryset().filter(pk__in=ids[start : start + CHUNK]):
                writer.add_document(**whoosh_document(backend, index, statement))
            if progress:
                progress(min(start + CHUNK, len(ids)), len(ids))
        # CLEAR drops every existing segment in the same commit that adds the new one.
        writer.commit(mergetype=CLEAR)
    except BaseException:
        writer.cancel()
        raise
    backend.index = ix.refresh()
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
        if self.stderr.isatty():
            self.stderr.write(f"\r{done}/{total} statements", ending="")

    def clean_damaged_copies(self, path):
        parent, name = os.path.split(path.rstrip(os.sep))
        for entry in os.listdir(parent or "."):
            if entry.startswith(f"{name}.damaged-"):
                self.stdout.write(f"a damaged index was kept for inspection at {os.path.join(parent, entry)}")
