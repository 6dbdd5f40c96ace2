"""python manage.py ingest PATH... [--dry-run] [--json]"""

import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from statements.indexing import deferred_index_updates
from statements.ingest import CREATED, FAILED, UNCHANGED, UPDATED, ingest_file, text_files


class Progress:
    """A one-line progress display with rate and time left, shown only on a terminal."""

    def __init__(self, total, stream):
        self.total, self.stream, self.done = total, stream, 0
        self.started = self.last_drawn = time.monotonic()
        self.enabled = hasattr(stream, "isatty") and stream.isatty()

    def step(self):
        self.done += 1
        now = time.monotonic()
        if self.enabled and (now - self.last_drawn > 0.2 or self.done == self.total):
            self.last_drawn = now
            rate = self.done / max(now - self.started, 1e-6)
            left = (self.total - self.done) / rate if rate else 0
            self.stream.write(f"\r{self.done}/{self.total} files  {rate:,.0f}/s  {left:,.0f} s left   ")
            self.stream.flush()

    def close(self):
        if self.enabled and self.done:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Import statement files (and folders of them) into the archive."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="statement files or folders")
        parser.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")
        parser.add_argument("--json", action="store_true", help="print each parsed statement as a JSON line")

    def handle(self, *args, **options):
        missing = [path for path in options["paths"] if not Path(path).exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        files = text_files(options["paths"])
        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, FAILED: 0}
        failures = []
        progress = Progress(len(files), sys.stderr)
        with deferred_index_updates():
            for path in files:
                outcome = ingest_file(path, dry_run=options["dry_run"])
                counts[outcome.status] += 1
                if outcome.status == FAILED:
                    failures.append(f"{path}: {outcome.error}")
                elif options["json"]:
                    self.stdout.write(json.dumps(outcome.parsed.as_json(outcome.source), ensure_ascii=False))
                progress.step()
        progress.close()
        self.report(len(files), counts, failures, options)

    def report(self, files, counts, failures, options):
        out = self.stderr if options["json"] else self.stdout
        for failure in failures:
            out.write(self.style.ERROR(f"failed: {failure}"))
        verb = "would be " if options["dry_run"] else ""
        out.write(
            f"{files} files read: {counts[CREATED]} {verb}created, {counts[UPDATED]} {verb}updated, "
            f"{counts[UNCHANGED]} unchanged, {counts[FAILED]} failed"
        )
        if failures:
            raise CommandError(f"{len(failures)} of {files} files could not be imported (listed above)")
