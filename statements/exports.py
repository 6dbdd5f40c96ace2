"""Downloads of a search's results as CSV or JSON lines, streamed.

The search engine gives the matching ids in the search page's order a batch at a time, and the
rows of each batch are read from the database in one query, so an export of tens of thousands
of statements holds one batch in memory, never the whole result.
"""

import csv
import json
from dataclasses import replace

from django.db.models import Prefetch
from django.http import JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from .citing import stable_url
from .models import Citation, Statement
from .search.engine import search_engine
from .search.forms import SearchForm

BATCH = 500
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = [
    "id",
    "url",
    "title",
    "date",
    "speaker",
    "speaker_id",
    "country",
    "country_slug",
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
    citations = Prefetch("citations", queryset=Citation.objects.select_related("resolution").order_by("resolution"))
    while True:
        pks = search_engine().run(request).pks
        rows = Statement.objects.with_people().prefetch_related(citations).in_bulk(pks)
        yield from (rows[pk] for pk in pks if pk in rows)
        if len(pks) < batch:
            return
        request = replace(request, page=request.page + 1)


def export_row(request, statement):
    """One statement as a flat record: the same fields in CSV and JSON lines."""
    speaker = statement.speaker
    country = speaker.country if speaker and speaker.country_id else None
    return {
        "id": statement.pk,
        "url": stable_url(request, statement),
        "title": statement.display_title,
        "date": statement.date.isoformat() if statement.date else None,
        "speaker": speaker.name if speaker else None,
        "speaker_id": speaker.pk if speaker else None,
        "country": country.name if country else None,
        "country_slug": country.slug if country else None,
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
    statements = matching_statements(form)
    first = next(statements, None)  # an engine that cannot answer gives a 503 before the download starts

    def everything():
        if first is not None:
            yield first
            yield from statements

    response = StreamingHttpResponse(lines(request, everything()), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="statements-search.{extension}"'
    return response


@require_GET
def search_export_csv(request):
    """/search/export.csv?<the search's parameters>"""
    return _export(request, csv_lines, "text/csv; charset=utf-8", "csv")


@require_GET
def search_export_jsonl(request):
    """/search/export.jsonl?<the search's parameters>"""
    return _export(request, json_lines, "application/x-ndjson; charset=utf-8", "jsonl")
