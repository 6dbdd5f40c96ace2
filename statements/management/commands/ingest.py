"""python manage.py ingest [PATH...] [--manifest FILE...] [--dry-run] [--json] [--workers N]

PATHs are statement text files, folders of them, or JSON-lines collections (.jsonl,
.jsonl.gz) holding the text in each record; --manifest names a CSV file listing one text
file a row with its metadata. The columns of manifests and JSON lines map to fields as
statements/sources.py documents (file, id, date, speaker, country, record_symbol, topic,
speech_no, ...). Metadata given there wins over what the parser reads in the text.

Re-running finishes an interrupted import: statements already stored unchanged are skipped
without parsing. Each statement's index update is queued in its own transaction and the
queue is drained once, in bulk, at the end; an import killed before that leaves its updates
queued, and the next run (or sync_index, or drain_index_queue) indexes them.
"""

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from statements.indexing import deferred_index_updates, indexed_statements, queue_index_updates, queued_count
from statements.ingest import CREATED, FAILED, UNCHANGED, UPDATED, ingest_records, stored_hashes
from statements.models import IndexTask, Statement
from statements.sources import ManifestError, file_records, is_jsonl, read_jsonl, read_manifest

MAX_FAILURES_LISTED = 200


@contextlib.contextmanager
def import_lock(wait=False):
    """One import at a time on this archive: a lock on a file in ARCHIVE_DATA_DIR naming its holder.

    Two imports at once would race to create the same speakers and meetings. The lock is the
    kernel's (flock), so it is released however its holder ends, kill -9 included.
    """
    path = Path(settings.DATA_DIR) / "ingest.lock"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise CommandError(
                f"another import is running ({holder}); wait for it to finish, or add --wait to start after it"
            ) from None
        handle.seek(0)
        handle.truncate()
        started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}, started {started}: {' '.join(sys.argv[1:])}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()


class Progress:
    """A progress line with rate and time left: redrawn on a terminal, a line every 15 s otherwise."""

    def __init__(self, total, stream, label="statements"):
        self.total, self.stream, self.label, self.done = total, stream, label, 0
        self.started = self.last_drawn = time.monotonic()
        self.terminal = hasattr(stream, "isatty") and stream.isatty()

    def step(self, count=1):
        self.done += count
        now = time.monotonic()
        due = now - self.last_drawn > (0.2 if self.terminal else 15)
        if due or (self.terminal and self.done == self.total):
            self.last_drawn = now
            self.stream.write(("\r" if self.terminal else "") + self.line(now) + ("   " if self.terminal else "\n"))
            self.stream.flush()

    def line(self, now=None):
        elapsed = max((now or time.monotonic()) - self.started, 1e-6)
        rate = self.done / elapsed
        if self.total:
            left = (self.total - self.done) / rate if rate else 0
            return f"{self.done:,}/{self.total:,} {self.label}  {rate:,.0f}/s  {_duration(left)} left"
        return f"{self.done:,} {self.label}  {rate:,.0f}/s  {_duration(elapsed)} so far"

    def close(self):
        if self.terminal and self.done:
            self.stream.write("\n")


def _duration(seconds):
    seconds = int(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


class Command(BaseCommand):
    help = (
        "Import statements: text files, folders of them, JSON-lines collections (.jsonl, .jsonl.gz) "
        "and CSV manifests (--manifest). Columns map to fields as statements/sources.py documents: "
        "file|path|filename -> the text file; text -> the text (JSON lines); id|source -> source; "
        "date; year; session; body -> forum and occasion; forum; occasion; place; title; language; "
        "speaker -> honorific and name (two people: the one the text names, or kept as written); "
        "country|delegation -> the statement's delegation; iso3 -> delegation by ISO code; post|role; "
        "record_symbol|meeting|symbol -> meeting; topic|agenda; record_kind|kind; speech_no|position."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="statement files, folders, or .jsonl/.jsonl.gz collections")
        parser.add_argument("--manifest", action="append", default=[], metavar="FILE", help="a CSV manifest")
        parser.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")
        parser.add_argument("--json", action="store_true", help="print each parsed statement as a JSON line")
        parser.add_argument("--wait", action="store_true", help="wait for a running import to end, then start")
        parser.add_argument(
            "--links-within-folder",
            action="store_true",
            help="read symbolic links whose target stays inside the folder (others are always refused)",
        )
        parser.add_argument(
            "--workers", type=int, default=min(2, os.cpu_count() or 1), help="processes parsing texts (default: 2)"
        )

    def handle(self, *args, **options):
        if not options["paths"] and not options["manifest"]:
            raise CommandError("name statement files, folders, .jsonl files or --manifest FILE")
        missing = [path for path in options["paths"] if not Path(path).exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        try:
            total, records, ignored = self.collect(options)
        except ManifestError as error:
            raise CommandError(str(error)) from None
        if options["dry_run"]:
            self.run(total, records, ignored, options)
            return
        with import_lock(wait=options["wait"]):
            self.run(total, records, ignored, options)

    def run(self, total, records, ignored, options):
        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, FAILED: 0}
        failures = []
        progress = Progress(total, sys.stderr)
        started = time.monotonic()
        workers = 1 if options["json"] else max(1, options["workers"])
        known = self.stored_for_preview() if options["dry_run"] else None
        try:
            # A dry run writes nothing, not even what an earlier process left queued for the index.
            with contextlib.nullcontext() if options["dry_run"] else deferred_index_updates():
                for record, outcome in ingest_records(
                    records, dry_run=options["dry_run"], workers=workers, want_parsed=options["json"], known=known
                ):
                    counts[outcome.status] += 1
                    if outcome.status == FAILED:
                        failures.append(f"{record.label}: {outcome.error}")
                    elif options["json"]:
                        self.stdout.write(json.dumps(outcome.parsed.as_json(outcome.source), ensure_ascii=False))
                    progress.step()
                progress.close()
                imported = time.monotonic() - started
                if not options["dry_run"]:
                    queue_index_updates(self.unindexed())
                    queued = queued_count()
                    if queued:
                        self.stderr.write(f"indexing {queued:,} statements ...")
        except ManifestError as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            progress.close()
            raise CommandError(
                f"interrupted after {progress.done:,} statements; what was stored is indexed; run the same command again to finish"
            ) from None
        self.report(progress.done, counts, failures, ignored, imported, time.monotonic() - started, options)

    def stored_for_preview(self):
        """What a dry run compares with; before the first `migrate` there is nothing, and that is fine."""
        try:
            return stored_hashes()
        except DatabaseError:
            self.stderr.write(
                "no archive database yet (python manage.py migrate creates it): every statement would be created"
            )
            return {}

    def collect(self, options):
        """(how many records, None if not known before reading; the records; columns ignored)."""
        sources, total, self.ignored_sets = [], 0, []
        for manifest in options["manifest"]:
            count, records, ignored = read_manifest(manifest, links_within=options["links_within_folder"])
            sources.append(records)
            total += count
            self.ignored_sets.append(ignored)
        files = []
        for path in options["paths"]:
            if is_jsonl(path):
                _, records, ignored = read_jsonl(path)  # its set of ignored keys fills as it is read
                sources.append(records)
                total = None
                self.ignored_sets.append(ignored)
            else:
                files.extend(file_records([path], links_within=options["links_within_folder"]))
        if files:
            sources.append(files)
            total = None if total is None else total + len(files)
        return total, (record for records in sources for record in records), self.ignored_sets

    def unindexed(self):
        """Statements stored but missing from the index (stored before the index queue existed, or a lost index)."""
        try:
            stored = set(Statement.objects.values_list("pk", flat=True))
            return stored - set(indexed_statements()) - set(IndexTask.objects.values_list("statement_id", flat=True))
        except Exception:  # noqa: BLE001 - a damaged index fails in many ways: rebuild_search_index says how, not the importer
            return set()

    def report(self, read, counts, failures, ignored, imported, total_time, options):
        out = self.stderr if options["json"] else self.stdout
        for failure in failures[:MAX_FAILURES_LISTED]:
            out.write(self.style.ERROR(f"failed: {failure}"))
        if len(failures) > MAX_FAILURES_LISTED:
            out.write(self.style.ERROR(f"... and {len(failures) - MAX_FAILURES_LISTED} more failures"))
        ignored = set().union(*ignored)
        if ignored:
            out.write(f"columns ignored: {', '.join(sorted(ignored))}")
        verb = "would be " if options["dry_run"] else ""
        # Text files are one statement each; collections have a statement a row.
        noun = "statements" if options["manifest"] or any(is_jsonl(path) for path in options["paths"]) else "files"
        out.write(
            f"{read} {noun} read: {counts[CREATED]} {verb}created, {counts[UPDATED]} {verb}updated, "
            f"{counts[UNCHANGED]} unchanged, {counts[FAILED]} failed "
            f"({imported:.1f} s to import, {total_time:.1f} s with indexing)"
        )
        if failures:
            raise CommandError(f"{len(failures)} of {read} {noun} could not be imported (listed above)")
