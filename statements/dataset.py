"""The whole archive as a Frictionless Data package (https://specs.frictionlessdata.io/data-package/).

`manage.py export_dataset DIR` writes, in a folder of its own under DIR:

- one CSV file a table (statements, paragraphs, speakers, delegations, meetings, resolutions,
  citations, document references), UTF-8 with a header row;
- `statements-archive.sqlite`, the same tables in one SQLite database;
- `datapackage.json`: each table's schema (types, primary and foreign keys), the licence, the
  version, the command and date that made it, and each file's size, SHA-256 and row count.

The folder is written under a temporary name and renamed when complete, then `DIR/LATEST` is
replaced (atomically) by the new folder's name: a killed export leaves the last complete
package as the latest. One export at a time writes in DIR (it holds DIR/.export.lock); the
next one removes what a killed one left. The /data/ page reads LATEST and that package's
datapackage.json; no request builds anything.

Columns come from the models' fields, so a field added to a model appears in the package
without a change here. A statement's text is in the paragraphs table (join them with a blank
line to get the body back), not repeated in the statements table.
"""

import csv
import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction

from .exports import spreadsheet_safe
from .models import Citation, Country, DocumentReference, Meeting, Resolution, Speaker, Statement

NAME = "statements-archive"
SQLITE_FILE = f"{NAME}.sqlite"
LATEST = "LATEST"
CHECKSUMS = "SHA256SUMS"
LOCK = ".export.lock"
FOLDER = re.compile(rf"^{NAME}-\d{{4}}\.\d{{2}}\.\d{{2}}\.\d{{6}}(?:-\d+)?$")
BUILDING = re.compile(r"^\.building-\d+-\w+$")  # a package being written, as mkdtemp names it
DRAFT = re.compile(r"^\.latest-\w+$")  # the next LATEST, before it is renamed over it
LICENSES = [
    {
        "name": "ODC-By-1.0",
        "path": "https://opendatacommons.org/licenses/by/1-0/",
        "title": "Open Data Commons Attribution License 1.0 (the database: metadata, segmentation, citations)",
    }
]
TEXTS_NOTE = "The statements' texts are public records of the United Nations and its members, as delivered."
SQLITE_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}


def dataset_dir():
    return Path(settings.ARCHIVE_DATASET_DIR)


# ---------------------------------------------------------------- what goes in


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless type: integer, number, string, boolean, date, datetime
    description: str = ""
    required: bool = False
    enum: tuple = ()

    def descriptor(self):
        result = {"name": self.name, "type": self.type}
        if self.description:
            result["description"] = self.description
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            result["constraints"] = constraints
        return result


@dataclass(frozen=True)
class Table:
    """One resource: its columns, keys and a function yielding its rows (tuples in column order)."""

    name: str
    title: str
    description: str
    columns: tuple
    rows: Callable[[], Iterable[tuple]]
    primary_key: tuple = ("id",)
    foreign_keys: tuple = ()  # (column, table, column)

    def schema(self):
        schema = {"fields": [column.descriptor() for column in self.columns], "primaryKey": list(self.primary_key)}
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": column, "reference": {"resource": table, "fields": target}}
                for column, table, target in self.foreign_keys
            ]
        return schema


FIELD_TYPES = (
    (models.BooleanField, "boolean"),
    (models.DateTimeField, "datetime"),
    (models.DateField, "date"),
    (models.FloatField, "number"),
    (models.DecimalField, "number"),
    (models.IntegerField, "integer"),
    (models.AutoField, "integer"),
    (models.BigAutoField, "integer"),
)


def field_type(model_field):
    target = model_field.target_field if model_field.is_relation else model_field
    if isinstance(target, models.JSONField):  # written as JSON text, as Frictionless reads these types
        return "array" if target.default is list else "object"
    return next((name for cls, name in FIELD_TYPES if isinstance(target, cls)), "string")


def as_json(value):
    return None if value is None else json.dumps(value, ensure_ascii=False)


@dataclass
class ModelTable:
    """A table with a column for each concrete field of a model (a foreign key as its id)."""

    name: str
    model: type
    title: str
    description: str
    leave_out: tuple = ()
    derived: tuple = ()  # (Column, function of the row's values dict)
    adjust: dict = field(default_factory=dict)  # column name -> function of the value

    def fields(self):
        return [f for f in self.model._meta.concrete_fields if f.name not in self.leave_out]

    def build(self, table_names):
        columns, foreign_keys = [], []
        for model_field in self.fields():
            name = model_field.attname
            description = str(model_field.help_text or model_field.verbose_name)
            enum = tuple(value for value, _label in model_field.choices) if model_field.choices else ()
            required = not model_field.null and not (field_type(model_field) == "string" and model_field.blank)
            columns.append(
                Column(name, field_type(model_field), description, required or model_field.primary_key, enum)
            )
            if model_field.is_relation and model_field.related_model in table_names:
                foreign_keys.append((name, table_names[model_field.related_model], "id"))
        columns += [column for column, _function in self.derived]
        return Table(self.name, self.title, self.description, tuple(columns), self.rows, ("id",), tuple(foreign_keys))

    def rows(self):
        attnames = [f.attname for f in self.fields()]
        adjust = [
            self.adjust.get(f.attname) or (as_json if isinstance(f, models.JSONField) else None) for f in self.fields()
        ]
        values = self.model._default_manager.order_by("pk").values(*attnames).iterator(chunk_size=2000)
        for row in values:
            plain = [function(row[name]) if function else row[name] for name, function in zip(attnames, adjust)]
            yield (*plain, *(function(row) for _column, function in self.derived))


def paragraph_rows():
    """(statement id, number from 1, text, words) for each paragraph, in reading order."""
    for statement in Statement.objects.order_by("pk").only("pk", "body").iterator(chunk_size=500):
        for number, text in enumerate(statement.paragraphs, start=1):
            yield statement.pk, number, text, len(text.split())


def resolution_symbol(row):
    return Resolution(body=row["body"], session=row["session"], number=row["number"], year=row["year"]).symbol


def paragraph_number(index):
    return index + 1  # stored from 0; the package counts as the pages do (#p1)


def tables():
    """The package's tables, in the order they are written."""
    described = [
        ModelTable(
            "statements",
            Statement,
            "Statements",
            "One row a statement: who spoke, when, where, and the source it was imported from "
            "(`source`). The text is in the paragraphs table.",
            leave_out=("body",),
        ),
        ModelTable(
            "speakers",
            Speaker,
            "Speakers",
            "One row a person; `country_id` is the delegation they are recorded with.",
        ),
        ModelTable("delegations", Country, "Delegations", "Member states, observers and organisations."),
        ModelTable(
            "meetings", Meeting, "Meetings", "Meeting records (S/PV.8699) and the letters that published statements."
        ),
        ModelTable(
            "resolutions",
            Resolution,
            "Resolutions",
            "Security Council (SC) and General Assembly (GA) resolutions cited by statements or in the registry.",
            derived=(
                (Column("symbol", "string", "The UN document symbol, e.g. S/RES/2341 (2017)."), resolution_symbol),
            ),
        ),
        ModelTable(
            "citations",
            Citation,
            "Citations of resolutions",
            "A statement citing a resolution, with the sentence and the paragraph (numbered from 1) that cite it.",
            adjust={"paragraph": paragraph_number},
        ),
        ModelTable(
            "document_references",
            DocumentReference,
            "Other documents cited",
            "A statement citing another UN document (S/2015/446, S/PV.7750) by its symbol.",
            adjust={"paragraph": paragraph_number},
        ),
    ]
    table_names = {Country: "delegations", **{spec.model: spec.name for spec in described}}
    built = [spec.build(table_names) for spec in described]
    paragraphs = Table(
        "paragraphs",
        "Paragraphs",
        "Each statement's text a paragraph a row, in reading order; `number` is the paragraph's "
        "number on the statement's page (/statements/<id>/#p<number>).",
        (
            Column("statement_id", "integer", "The statement.", True),
            Column("number", "integer", "From 1, in reading order.", True),
            Column("text", "string", "The paragraph's text.", True),
            Column("words", "integer", "Words, counted between spaces.", True),
        ),
        paragraph_rows,
        primary_key=("statement_id", "number"),
        foreign_keys=(("statement_id", "statements", "id"),),
    )
    return [built[0], paragraphs, *built[1:]]


# ---------------------------------------------------------------- writing


def csv_cell(value, kind):
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if kind == "string":
        return spreadsheet_safe(str(value))
    return value


def sqlite_cell(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def create_sqlite_table(package_db, table):
    columns = [
        f'"{c.name}" {SQLITE_TYPES.get(c.type, "TEXT")}{" NOT NULL" if c.required else ""}' for c in table.columns
    ]
    columns.append("PRIMARY KEY (" + ", ".join(f'"{name}"' for name in table.primary_key) + ")")
    columns += [f'FOREIGN KEY ("{c}") REFERENCES "{t}" ("{target}")' for c, t, target in table.foreign_keys]
    package_db.execute(f'CREATE TABLE "{table.name}" (\n  ' + ",\n  ".join(columns) + "\n)")


def write_table(folder, package_db, table):
    """Write one table to its CSV file and the SQLite database in one pass; return the row count."""
    kinds = [column.type for column in table.columns]
    create_sqlite_table(package_db, table)
    insert = f'INSERT INTO "{table.name}" VALUES ({", ".join("?" * len(table.columns))})'
    count, batch = 0, []
    with open(folder / f"{table.name}.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([column.name for column in table.columns])
        for row in table.rows():
            writer.writerow([csv_cell(value, kind) for value, kind in zip(row, kinds)])
            batch.append(tuple(map(sqlite_cell, row)))
            count += 1
            if len(batch) >= 5000:
                package_db.executemany(insert, batch)
                batch.clear()
        package_db.executemany(insert, batch)
        out.flush()
        os.fsync(out.fileno())
    for column, _table, _target in table.foreign_keys:
        package_db.execute(f'CREATE INDEX "{table.name}_{column}_idx" ON "{table.name}" ("{column}")')
    return count


def file_facts(path):
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
    return {"bytes": path.stat().st_size, "hash": f"sha256:{digest.hexdigest()}"}


def package_descriptor(created, command, resources):
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": "Statements Archive",
        "description": (
            "Diplomatic statements with their speakers, delegations, meetings and the resolutions "
            f"and documents they cite. {TEXTS_NOTE} In the CSV files a text cell starting with "
            "=, +, - or @ carries a leading ' so that spreadsheets do not run it as a formula; "
            "the SQLite file holds every value as stored."
        ),
        "version": f"{created:%Y.%m.%d.%H%M%S}",
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": command,
        "licenses": LICENSES,
        "resources": resources,
    }


@dataclass(frozen=True)
class Export:
    folder: Path
    descriptor: dict

    @property
    def rows(self):
        return {r["name"]: r["rows"] for r in self.descriptor["resources"] if "rows" in r}


@contextmanager
def snapshot():
    """Every table read from one state of the database while imports or editors write: a
    read-only REPEATABLE READ transaction on PostgreSQL, a deferred read transaction on SQLite
    (in WAL mode a reader sees the database as it was at its first read, and blocks no writer)."""
    if connection.in_atomic_block:  # already inside a transaction (tests): it is the snapshot
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")  # Django's own atomic() would take the write lock
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
    else:
        yield


def export_dataset(target, command="manage.py export_dataset", now=None, progress=None):
    """Write the package into a new folder under `target`, then make it the latest. Returns an Export."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    with export_lock(target):  # held until the end: no other export writes or removes here
        remove_abandoned(target)
        created = (now or datetime.now(UTC)).replace(microsecond=0)
        building = Path(tempfile.mkdtemp(prefix=f".building-{os.getpid()}-", dir=target))
        try:
            resources = []
            sqlite_path = building / SQLITE_FILE
            package_db = sqlite3.connect(sqlite_path, isolation_level=None)
            try:
                package_db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;")
                written = []
                with snapshot():
                    for table in tables():
                        written.append((table, write_table(building, package_db, table)))
                        if progress:
                            progress(table.name, written[-1][1])
                for table, count in written:
                    resources.append(
                        {
                            "name": table.name,
                            "path": f"{table.name}.csv",
                            "title": table.title,
                            "description": table.description,
                            "profile": "tabular-data-resource",
                            "format": "csv",
                            "mediatype": "text/csv",
                            "encoding": "utf-8",
                            "schema": table.schema(),
                            "rows": count,
                            **file_facts(building / f"{table.name}.csv"),
                        }
                    )
                package_db.execute("COMMIT")
            finally:
                package_db.close()
            resources.append(
                {
                    "name": "sqlite",
                    "path": SQLITE_FILE,
                    "title": "All tables in one SQLite database",
                    "description": "The same tables, columns and keys as the CSV files, values as stored: "
                    + ", ".join(r["name"] for r in resources)
                    + ".",
                    "format": "sqlite",
                    "mediatype": "application/vnd.sqlite3",
                    **file_facts(sqlite_path),
                }
            )
            descriptor = package_descriptor(created, command, resources)
            with open(building / "datapackage.json", "w", encoding="utf-8") as out:
                json.dump(descriptor, out, indent=2, ensure_ascii=False)
                out.write("\n")
                out.flush()
                os.fsync(out.fileno())
            write_checksums(building, [r["path"] for r in resources] + ["datapackage.json"])
            building.chmod(0o755)  # mkdtemp's folder is the owner's alone; the web server reads it
            folder = unused_folder(target, f"{NAME}-{descriptor['version']}")
            listed = latest_name(target)  # what the /data/ page lists until the switch
            building.rename(folder)
            set_latest(target, folder.name)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        remove_old(target, keep={folder.name, listed})
    return Export(folder, descriptor)


class ExportRunning(Exception):
    """Another export is writing in the folder (it holds the lock); the message says which."""


@contextmanager
def export_lock(target):
    """One export at a time in `target`: the kernel's lock (flock) on a file there, released
    however its holder ends, kill -9 included. Holding it, an export knows that any temporary
    folder it finds was left by one that died (a process id in the name could be reused).
    """
    with open(target / LOCK, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise ExportRunning(handle.read().strip() or "another process") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC\n")
        handle.flush()
        yield


def write_checksums(folder, paths):
    """SHA256SUMS, as `sha256sum -c SHA256SUMS` checks it, and as the /data/ page lists it."""
    lines = [f"{file_facts(folder / path)['hash'].removeprefix('sha256:')}  {path}\n" for path in paths]
    with open(folder / CHECKSUMS, "w", encoding="utf-8") as out:
        out.writelines(lines)
        out.flush()
        os.fsync(out.fileno())


def unused_folder(target, name):
    folder, number = target / name, 1
    while folder.exists():
        number += 1
        folder = target / f"{name}-{number}"
    return folder


def set_latest(target, name):
    """Point LATEST at the folder: written beside it, synced, then renamed over it in one step."""
    fd, temporary = tempfile.mkstemp(prefix=".latest-", dir=target)
    os.fchmod(fd, 0o644)  # mkstemp's file is the owner's alone; the web server reads it
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(name + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, target / LATEST)
    directory = os.open(target, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def remove_abandoned(target):
    """What exports killed before they finished left in `target`: their temporary folders and
    LATEST drafts. Run under the export lock, so none of them is being written; only names of
    those two patterns directly in `target` are removed, and a symbolic link is never followed.
    """
    for path in target.iterdir():
        if path.is_symlink():
            continue
        if BUILDING.match(path.name) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif DRAFT.match(path.name) and path.is_file():
            path.unlink(missing_ok=True)


def remove_old(target, keep):
    """Every package but those in `keep`: the new latest and the one listed before it, whose
    links a page or a download started before the switch still use. A complete package that
    never became the latest (its export was killed between the rename and the switch) goes too.
    """
    for path in target.iterdir():
        if FOLDER.match(path.name) and path.name not in keep and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------- reading, for the /data/ page


@dataclass(frozen=True)
class PackageFile:
    path: str
    title: str
    bytes: int
    sha256: str
    rows: int | None = None


@dataclass(frozen=True)
class Package:
    folder: str
    version: str
    created: datetime | None
    command: str
    licenses: list
    files: tuple

    def file(self, path):
        return next((f for f in self.files if f.path == path), None)


def latest_package(target=None):
    """The package LATEST names, as its datapackage.json and SHA256SUMS describe it; None when
    no export has finished yet."""
    target = Path(target or dataset_dir())
    name = latest_name(target)
    return read_package(target / name) if name else None


def latest_name(target):
    """The name of the package folder LATEST names, or None."""
    try:
        name = (target / LATEST).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return name if FOLDER.match(name) else None


def read_package(folder):
    try:
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        lines = (folder / CHECKSUMS).read_text(encoding="utf-8").splitlines()
        sums = {path: digest for digest, path in (line.split("  ", 1) for line in lines)}
    except (OSError, ValueError):
        return None
    titles = {r["path"]: (r.get("title", r["name"]), r.get("rows")) for r in descriptor.get("resources", [])}
    titles["datapackage.json"] = ("Package description: schemas, licence, version", None)
    files = []
    for path, sha256 in sums.items():
        try:
            size = (folder / path).stat().st_size
        except OSError:
            return None
        title, rows = titles.get(path, (path, None))
        files.append(PackageFile(path, title, size, sha256, rows))
    try:
        created = datetime.strptime(descriptor.get("created", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        created = None
    return Package(
        folder=folder.name,
        version=descriptor.get("version", ""),
        created=created,
        command=descriptor.get("command", ""),
        licenses=descriptor.get("licenses", []),
        files=tuple(files),
    )
