"""Downloads of a search's results as CSV or JSON lines, built once into a file and sent from it.

The search engine gives the matching ids in the search page's order a batch at a time, and the
rows of each batch are read from the database in one query, so an export of tens of thousands
of statements holds one batch in memory, never the whole result.

The rows are written to a file in ARCHIVE_DATA_DIR/exports/ named after the search and the
state of the archive, then sent with a Content-Length (the server uses sendfile): a slow client
costs a waiting thread, not a worker building rows, a cut download is visible as such, and the
same export asked again while nothing changed is sent without being built again.
"""

import contextlib
import csv
import fcntl
import hashlib
import json
import os
import threading
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max
from django.http import FileResponse, JsonResponse
from django.views.decorators.http import require_GET

from archive.middleware import client_address

from .citing import stable_url
from .models import Country, Meeting, Speaker, Statement
from .search.engine import search_engine
from .search.forms import SearchForm

BATCH = 500
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = [
    "id",
    "source",
    "provenance",
    "url",
    "title",
    "date",
    "speaker",
    "speaker_id",
    "country",
    "country_now",
    "country_slug",
    "country_kind",
    "forum",
    "occasion",
    "place",
    "meeting",
    "language",
    "resolutions",
    "text",
]


def spreadsheet_safe(cell):
    """A text cell a spreadsheet will show, not run: one that starts like a formula gets a leading
    ' (OWASP's advice for CSV injection). For CSV only; JSON keeps the text as it is."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def matching_statements(form, batch=BATCH):
    """Every statement the search finds, in its order, read from the database a batch at a time."""
    request = replace(form.search_request(), page=1, per_page=batch)
    while True:
        pks = search_engine().run(request).pks
        rows = Statement.objects.with_citations().in_bulk(pks)
        yield from (rows[pk] for pk in pks if pk in rows)
        if len(pks) < batch:
            return
        request = replace(request, page=request.page + 1)


def export_row(request, statement):
    """One statement as a flat record: the same fields in CSV and JSON lines."""
    speaker = statement.speaker
    country = statement.delegation
    return {
        "id": statement.pk,
        "source": statement.source,
        "provenance": statement.provenance,
        "url": stable_url(request, statement),
        "title": statement.display_title,
        "date": statement.date.isoformat() if statement.date else None,
        "speaker": statement.who,  # as the source writes it when it names no single person (no speaker_id)
        "speaker_id": speaker.pk if speaker else None,
        "country": statement.delegation_name or None,  # the name of the statement's year
        "country_now": country.name if country else None,
        "country_slug": country.slug if country else None,
        "country_kind": country.kind if country else None,
        "forum": statement.forum,
        "occasion": statement.occasion,
        "place": statement.place,
        "meeting": statement.meeting.symbol if statement.meeting_id else None,
        "language": statement.language or "English",
        "resolutions": [citation.resolution.symbol for citation in statement.citations.all()],
        "text": statement.body,
    }


class _Line:
    """What csv.writer writes to: it hands each line back instead of keeping it."""

    def write(self, line):
        return line


def csv_cell(value):
    """A CSV cell a spreadsheet shows as written: a text that would start a formula gets a leading '."""
    if value is None:
        return ""
    return spreadsheet_safe(value) if isinstance(value, str) else value


def csv_lines(request, statements):
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    for statement in statements:
        row = export_row(request, statement)
        row["resolutions"] = "; ".join(row["resolutions"])
        yield writer.writerow([csv_cell(row[name]) for name in COLUMNS])


def json_lines(request, statements):
    for statement in statements:
        yield json.dumps(export_row(request, statement), ensure_ascii=False) + "\n"


def _export(request, lines, content_type, extension):
    form = SearchForm(request.GET)
    if not form.is_valid():
        errors = {name: [str(error) for error in errors] for name, errors in form.errors.items()}
        return JsonResponse({"error": "This search cannot be exported.", "parameters": errors}, status=400)
    slot = download_slot(client_address(request))
    if slot is None:
        response = JsonResponse(
            {
                "error": f"Your address already has {settings.EXPORTS_PER_ADDRESS} downloads running; "
                "start another when one has finished."
            },
            status=429,
        )
        response["Retry-After"] = "30"
        return response
    try:
        path = export_file(request, form, lines, extension)  # an engine that cannot answer raises: a 503
    except BaseException:
        slot.close()
        raise
    response = Download(path.open("rb"), slot, as_attachment=True, filename=f"statements-search.{extension}")
    response["Content-Type"] = content_type
    response["Cache-Control"] = "private, no-cache"
    return response


class Download(FileResponse):
    """A file sent to a client, holding its address's download slot until the server closes it."""

    def __init__(self, file, slot, **kwargs):
        super().__init__(file, **kwargs)
        self.slot = slot

    def close(self):
        try:
            super().close()
        finally:
            self.slot.close()


def download_slot(address):
    """A lock held while one download from this address runs; None when all its slots are taken.

    Locks on files, so the bound holds across the server's worker processes; the kernel frees
    them if a worker dies.
    """
    folder = export_folder() / "slots"
    folder.mkdir(exist_ok=True)
    name = hashlib.sha256(address.encode()).hexdigest()[:16]
    for number in range(settings.EXPORTS_PER_ADDRESS):
        handle = (folder / f"{name}-{number}").open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        return handle
    return None


def export_folder():
    folder = Path(settings.DATA_DIR) / "exports"
    folder.mkdir(exist_ok=True)
    return folder


def archive_version():
    """What an export's content depends on besides the search: the index's generation and the rows."""
    parts = [
        Statement.objects.aggregate(Count("pk"), Max("modified"), Max("pk")),
        [model.objects.aggregate(Count("pk"), Max("pk")) for model in (Speaker, Country, Meeting)],
    ]
    parts.append(search_engine().index_version())
    return json.dumps(parts, default=str, sort_keys=True)


def export_file(request, form, lines, extension) -> Path:
    """The export of this search as a file, built now unless the same one is already there."""
    search = sorted((key, values) for key, values in request.GET.lists() if key != "page")
    key = hashlib.sha256(json.dumps([request.build_absolute_uri("/"), search, archive_version()]).encode()).hexdigest()[
        :32
    ]
    folder = export_folder()
    path = folder / f"{key}.{extension}"
    with open(folder / f"{key}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the same export asked twice at once is built once
        if path.exists():
            os.utime(path)
            return path
        statements = matching_statements(form)
        first = next(statements, None)  # a broken index answers 503 before anything is written

        def everything():
            if first is not None:
                yield first
                yield from statements

        partial = folder / f"{key}.{extension}.{os.getpid()}-{threading.get_ident()}.partial"
        try:
            with partial.open("w", encoding="utf-8", newline="") as out:
                for line in lines(request, everything()):
                    out.write(line)
            os.replace(partial, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
    prune(folder, keep=path)
    return path


def prune(folder, keep):
    """Remove the oldest exports past settings.EXPORTS_KEPT; a file being sent stays readable."""
    built = sorted(
        (candidate for candidate in folder.iterdir() if candidate.suffix in (".csv", ".jsonl")),
        key=lambda candidate: candidate.stat().st_mtime,
        reverse=True,
    )
    for stale in built[settings.EXPORTS_KEPT :]:
        if stale != keep:
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
                Path(str(stale.with_suffix("")) + ".lock").unlink()


@require_GET
def search_export_csv(request):
    """/search/export.csv?<the search's parameters>"""
    return _export(request, csv_lines, "text/csv; charset=utf-8", "csv")


@require_GET
def search_export_jsonl(request):
    """/search/export.jsonl?<the search's parameters>"""
    return _export(request, json_lines, "application/x-ndjson; charset=utf-8", "jsonl")
