"""python manage.py sync_index [--check]

The database is the source of truth; the search index a copy. This compares the two and
repairs drift: statements missing from the index are indexed, entries for statements that
no longer exist are removed. `--check` only reports, and exits non-zero on drift.
"""

from django.core.management.base import BaseCommand, CommandError
from haystack import connections
from haystack.backends.whoosh_backend import WhooshSearchBackend
from haystack.query import SearchQuerySet

from statements.indexing import update_statements
from statements.models import Statement


def indexed_statement_ids() -> set[int]:
    backend = connections["default"].get_backend()
    if isinstance(backend, WhooshSearchBackend):
        # Reading the stored ids directly: haystack pages through a search 100 results at a time.
        if not backend.setup_complete:
            backend.setup()
        with backend.index.refresh().searcher() as searcher:
            return {
                int(fields["django_id"])
                for fields in searcher.reader().all_stored_fields()
                if fields.get("django_ct") == "statements.statement"
            }
    results = SearchQuerySet().models(Statement).all().values_list("pk", flat=True)
    return {int(pk) for pk in results}


class Command(BaseCommand):
    help = "Compare the database and the search index and repair any drift."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report drift without repairing it")

    def handle(self, *args, **options):
        in_database = set(Statement.objects.values_list("pk", flat=True))
        try:
            in_index = indexed_statement_ids()
        except Exception as error:  # a damaged Whoosh index fails in many ways
            raise CommandError(
                f"the search index cannot be read ({error.__class__.__name__}: {error}); "
                "restore it with: python manage.py rebuild_search_index"
            ) from None
        missing, orphaned = in_database - in_index, in_index - in_database
        self.stdout.write(
            f"{len(in_database)} statements in the database, {len(in_index)} in the index: "
            f"{len(missing)} missing from the index, {len(orphaned)} no longer in the database"
        )
        if options["check"]:
            if missing or orphaned:
                raise CommandError("the search index has drifted from the database (run sync_index to repair)")
            return
        update_statements(missing | orphaned)
        if missing or orphaned:
            self.stdout.write(f"repaired: {len(missing)} indexed, {len(orphaned)} removed")
