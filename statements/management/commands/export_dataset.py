"""python manage.py export_dataset [DIR]

Writes the whole archive as a Frictionless Data package (CSV tables, one SQLite file,
datapackage.json, SHA256SUMS) in a new folder under DIR (default: ARCHIVE_DATASET_DIR, which
the /data/ page lists), and makes it the latest only once it is complete.
"""

import shlex
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from statements.dataset import ExportRunning, dataset_dir, export_dataset


class Command(BaseCommand):
    help = "Write the archive as a Frictionless Data package (CSV, SQLite, datapackage.json) under DIR."

    def add_arguments(self, parser):
        parser.add_argument(
            "dir", nargs="?", help="Where packages are written (default: ARCHIVE_DATASET_DIR, served at /data/)."
        )

    def handle(self, *args, **options):
        target = Path(options["dir"]) if options["dir"] else dataset_dir()
        if target.exists() and not target.is_dir():
            raise CommandError(f"{target}: not a folder; give a folder to write the package in.")
        command = shlex.join(["manage.py", "export_dataset", *([options["dir"]] if options["dir"] else [])])
        started = time.monotonic()

        def progress(table, rows):
            self.stdout.write(f"  {table}: {rows:,} row{'' if rows == 1 else 's'}")

        try:
            export = export_dataset(target, command=command, progress=progress)
        except ExportRunning as holder:
            raise CommandError(f"{target}: another export is writing there ({holder}); let it finish.") from None
        except OSError as error:
            raise CommandError(f"{target}: cannot write the package: {error.strerror or error}") from error
        size = sum(f.stat().st_size for f in export.folder.iterdir())
        self.stdout.write(
            self.style.SUCCESS(
                f"Package {export.descriptor['version']} written to {export.folder} "
                f"({size / 1e6:,.1f} MB in {time.monotonic() - started:,.1f} s); it is now the latest."
            )
        )
