"""python manage.py drain_index_queue [--wait SECONDS]

Applies the index changes still queued: those a process committed to the database but died
(or found the index locked for too long) before writing to the index. Each is deleted from
the queue once the index has committed it. `sync_index` does this too before its audit.
"""

from django.core.management.base import BaseCommand, CommandError

from statements.indexing import LockError, drain_index_queue, queued_count


class Command(BaseCommand):
    help = "Apply the search index changes still queued (saved to the database, not yet indexed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait", type=float, default=60, metavar="SECONDS", help="how long to wait for the index's write lock"
        )

    def handle(self, *args, **options):
        if options["wait"] < 0:
            raise CommandError(f"--wait: {options['wait']:g} is negative; give the seconds to wait for the lock")
        try:
            done = drain_index_queue(lock_wait=options["wait"])
        except LockError:
            raise CommandError(
                f"the search index is locked by another process (waited {options['wait']:g} s); "
                f"{queued_count()} statements stay queued: run drain_index_queue again later"
            ) from None
        self.stdout.write(f"{done} statements brought up to date from the index queue")
