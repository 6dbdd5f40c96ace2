"""python manage.py load_resolutions FILE [--conflicts], or load_resolutions --conflicts alone

Loads the Security Council resolution registry (the shape of
../shared/corpus/aux/unsc_resolutions_index_1-2215.csv: Resolution, Number, Year, Date,
Topic, separated by semicolons or commas) into Resolution: year, date and title (the
registry's Title Case put in the UN's sentence case, statements.parsing.titles). Running it
again changes nothing. The registry wins over years read in statements: a year first taken
from a text is replaced by the registry's, and the citations whose written year disagrees
are then flagged (Citation.year_conflicts). `--conflicts` lists them for an editor; without a
FILE it reports from the registry already loaded, reading no file.
"""

import csv
import datetime as dt
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from statements.indexing import deferred_index_updates
from statements.models import Citation, Resolution
from statements.parsing.titles import sentence_case


def read_registry(path: Path) -> list[dict]:
    """The registry's rows as {number, year, date, title}; raises CommandError naming what is wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot be read ({error})") from None
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    for needed in ("number", "year"):
        if needed not in columns:
            raise CommandError(f"{path}: no {needed} column; its columns are: {', '.join(reader.fieldnames or [])}")
    rows = []
    for line, row in enumerate(reader, start=2):
        try:
            number, year = int(row[columns["number"]]), int(row[columns["year"]])
        except (TypeError, ValueError):
            raise CommandError(f"{path} line {line}: number and year must be whole numbers") from None
        rows.append(
            {
                "number": number,
                "year": year,
                "date": _date(row.get(columns.get("date", ""), "")),
                "title": sentence_case(
                    re.sub(r"\s+", " ", row.get(columns.get("topic", columns.get("title", "")), "") or "").strip()
                )[:500],
            }
        )
    return rows


def _date(value):
    value = (value or "").strip()
    for layout in ("%d %B %Y", "%Y-%m-%d", "%d %b %Y"):
        try:
            return dt.datetime.strptime(value, layout).date()
        except ValueError:
            continue
    return None


class Command(BaseCommand):
    help = "Load the Security Council resolution registry (number, year, date, title); --conflicts lists cited years it contradicts."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the registry CSV (Number, Year, Date, Topic)")
        parser.add_argument(
            "--conflicts",
            action="store_true",
            help="list citations whose year contradicts the registry (alone: from what is loaded)",
        )

    def handle(self, *args, **options):
        if options["path"] is None:
            if not options["conflicts"]:
                raise CommandError("give the registry CSV to load, or --conflicts alone to list what contradicts it")
            self.report_conflicts(Citation.objects.year_conflicts(), listed=True)
            return
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        rows = read_registry(path)
        existing = {r.number: r for r in Resolution.objects.filter(body=Resolution.Body.SECURITY_COUNCIL)}
        created = updated = 0
        with deferred_index_updates(), transaction.atomic():
            new = []
            for row in rows:
                resolution = existing.get(row["number"])
                if resolution is None:
                    new.append(Resolution(body=Resolution.Body.SECURITY_COUNCIL, **row))
                    continue
                changed = [
                    name for name in ("year", "date", "title") if row[name] and getattr(resolution, name) != row[name]
                ]
                if changed:
                    for name in changed:
                        setattr(resolution, name, row[name])
                    resolution.save(update_fields=changed)
                    updated += 1
            Resolution.objects.bulk_create(new)
            created = len(new)
        conflicts = Citation.objects.year_conflicts()
        self.stdout.write(
            f"{len(rows)} resolutions in the registry: {created} created, {updated} updated, "
            f"{len(rows) - created - updated} unchanged; {contradicted(conflicts.count())}"
        )
        if options["conflicts"]:
            self.report_conflicts(conflicts)

    def report_conflicts(self, conflicts, listed=False):
        if listed:
            registered = Resolution.objects.filter(body=Resolution.Body.SECURITY_COUNCIL, year__isnull=False).count()
            self.stdout.write(
                f"{contradicted(conflicts.count())} "
                f"({registered} Security Council resolution{'' if registered == 1 else 's'} with a recorded year "
                f"{'is' if registered == 1 else 'are'} loaded)"
            )
        for citation in conflicts.select_related("statement", "resolution").order_by("resolution__number"):
            self.stdout.write(
                f"{citation.statement.source}: resolution {citation.resolution.number} cited as "
                f"({citation.cited_year}), recorded year {citation.resolution.year}: {citation.sentence[:160]}"
            )


def contradicted(count):
    if count == 1:
        return "1 citation gives a year the registry contradicts"
    return f"{count} citations give a year the registry contradicts"
