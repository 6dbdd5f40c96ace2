"""python manage.py sync_index [--check]

The database is the source of truth; the search index a copy. This compares the two and
repairs drift. First it applies the index changes still queued (a process that committed
and died before indexing), then it audits: statements missing from the index are indexed,
entries for statements that no longer exist are removed, and entries older than their
statement's last change are reindexed. `--check` only reports, and exits non-zero on drift or
on changes still queued.
"""

import datetime as dt

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from haystack import connections
from haystack.backends.whoosh_backend import WhooshSearchBackend

from statements.indexing import LockError, drain_index_queue, indexed_statements, queued_count, update_statements
from statements.models import Statement
from statements.search.whoosh_backend import same_schema

QUEUE_LOCK_WAIT_SECONDS = 60


def index_schema_is_current() -> bool:
    """False when the Whoosh index was built with other fields than the code's SearchIndex defines."""
    backend = connections["default"].get_backend()
    if not isinstance(backend, WhooshSearchBackend):
        return True
    if not backend.setup_complete:
        backend.setup()
    # haystack opens the index with the code's schema; the table of contents holds the one it was built with.
    stored, wanted = backend.storage.open_index().schema, backend.schema
    return same_schema(stored, wanted)


def as_naive_utc(moment):
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


class Command(BaseCommand):
    help = "Compare the database and the search index and repair any drift."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report drift without repairing it")

    def handle(self, *args, **options):
        try:
            schema_current = index_schema_is_current()
        except Exception:  # noqa: BLE001 - a damaged index fails in many ways; reading it below reports how
            schema_current = True
        if not schema_current:
            if options["check"]:
                raise CommandError("the search index has other fields than the code defines (run sync_index)")
            self.stdout.write("the search index has other fields than the code defines: rebuilding it")
            call_command("rebuild_search_index", stdout=self.stdout)
        queued = self.apply_queue(options["check"])
        modified = dict(Statement.objects.values_list("pk", "modified"))
        in_database = set(modified)
        try:
            indexed = indexed_statements()
        except Exception as error:  # noqa: BLE001 - a damaged Whoosh index fails in many ways
            raise CommandError(
                f"the search index cannot be read ({error.__class__.__name__}: {error}); "
                "restore it with: python manage.py rebuild_search_index"
            ) from None
        in_index = set(indexed)
        missing, orphaned = in_database - in_index, in_index - in_database
        stale = {
            pk
            for pk in in_database & in_index
            if indexed[pk] is not None and as_naive_utc(indexed[pk]) != as_naive_utc(modified[pk])
        }
        self.stdout.write(
            f"{len(in_database)} statements in the database, {len(in_index)} in the index: "
            f"{len(missing)} missing from the index, {len(orphaned)} no longer in the database, "
            f"{len(stale)} out of date"
        )
        if options["check"]:
            if queued:
                raise CommandError(
                    f"{queued} statements have index changes queued and not yet applied (run sync_index to apply them)"
                )
            if missing or orphaned or stale:
                raise CommandError("the search index has drifted from the database (run sync_index to repair)")
            return
        update_statements(missing | orphaned | stale)
        if missing or orphaned or stale:
            self.stdout.write(f"repaired: {len(missing)} indexed, {len(orphaned)} removed, {len(stale)} reindexed")

    def apply_queue(self, check) -> int:
        """Apply the queued index changes; with --check only count them."""
        if check:
            queued = queued_count()
            if queued:
                self.stdout.write(f"{queued} statements have index changes queued")
            return queued
        try:
            applied = drain_index_queue(lock_wait=QUEUE_LOCK_WAIT_SECONDS)
        except LockError:
            raise CommandError(
                "the search index is locked by another process; run sync_index again when it is done"
            ) from None
        except Exception:  # noqa: BLE001 - a damaged index: the audit below names the command that restores it
            return 0
        if applied:
            self.stdout.write(f"{applied} statements brought up to date from the index queue")
        return 0
