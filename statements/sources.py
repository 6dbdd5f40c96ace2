"""Reading collections of statements: CSV manifests and JSON-lines files, row by row.

Each row becomes a `Record`: a source id, the text (or the file holding it), the metadata
given beside it as `Overrides` (it wins over what the parser reads), and a `SourceContext`
that helps the parser read the text. A row that cannot be read becomes a Record with an
`error`, so the import reports it by name and goes on; a collection that cannot be read at
all (no such file, no file column) raises ManifestError.

Column names, case-insensitive, and the fields they fill:

=====================================  =====================================================
column                                 field
=====================================  =====================================================
file, path, filename                   the text file, relative to the manifest's folder
                                       (manifests only)
text                                   the text itself (JSON lines only)
id, source                             Statement.source, the natural key (default: the file
                                       path relative to the manifest, or "<jsonl>#<line>")
date                                   Statement.date and Meeting.date (ISO, 2020-01-08)
year                                   the year when there is no date: bounds the Council
                                       resolutions the text can cite, and is shown in the
                                       occasion, "General Debate, 75th session (2020)"
session                                the General Assembly session, in the occasion
body                                   forum and occasion: "UN General Assembly, General
                                       Debate" gives forum "United Nations General Assembly",
                                       occasion "General Debate"
forum, occasion, place, title,         the Statement fields of those names
language
speaker                                Speaker.name, the honorific split off ("Mr. Nebenzia"
                                       gives honorific "Mr.", name "Nebenzia"); "unknown" and
                                       "" mean not given. A value naming two people ("Mr. Pham
                                       Binh Minh/Mr. Dang") is resolved to the one the text's
                                       opening names, or else kept as written, unresolved
country, delegation                    Statement.delegation (and the speaker's): its UN short
                                       form when known, a non-state participant's name as
                                       written; a record note ("spoke in French") or
                                       "Individual" gives way to the delegation the text's
                                       opening names
iso3                                   Statement.delegation by ISO 3166 alpha-3 code, which
                                       wins over the name (General Debate files)
post, role                             Speaker.role
record_symbol, meeting, symbol         Meeting.symbol (S/PV.8699, S/PV.8699 (Resumption 1),
                                       S/2020/346); the statement belongs to that meeting, and
                                       its symbol and topic are stripped from running heads;
                                       S/... gives forum "United Nations Security Council"
topic, agenda                          Meeting.topic
record_kind, kind                      Meeting.kind
speech_no, position                    Statement.position, the order in the meeting
chars, participant_type,               read and ignored (derived, or not a fact about the
source_file, speaker_rows              statement)
=====================================  =====================================================

Any other column is ignored and named in the import's summary.
"""

import csv
import datetime as dt
import gzip
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .ingest import MeetingInfo, Overrides
from .parsing import SourceContext
from .parsing.countries import country_of_code, state_in_year
from .parsing.header import split_honorific, tidy_name

COLUMNS = {
    "file": "file",
    "path": "file",
    "filename": "file",
    "text": "text",
    "id": "source",
    "source": "source",
    "date": "date",
    "year": "year",
    "session": "session",
    "body": "body",
    "forum": "forum",
    "occasion": "occasion",
    "place": "place",
    "title": "title",
    "language": "language",
    "speaker": "speaker",
    "country": "country",
    "iso3": "country_code",
    "delegation": "country",
    "post": "role",
    "role": "role",
    "record_symbol": "record_symbol",
    "meeting": "record_symbol",
    "symbol": "record_symbol",
    "topic": "topic",
    "agenda": "topic",
    "record_kind": "record_kind",
    "kind": "record_kind",
    "speech_no": "position",
    "position": "position",
}
IGNORED = {"chars", "participant_type", "source_file", "speaker_rows", ""}
NOT_A_SPEAKER = {"", "unknown", "n/a", "na", "none", "null"}
FORUM_ABBREVIATIONS = [(re.compile(r"^UN\b"), "United Nations")]
FORUM_OF_SYMBOL = [("S/", "United Nations Security Council"), ("A/", "United Nations General Assembly")]
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")


class ManifestError(ValueError):
    """The collection cannot be read at all; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Record:
    """One statement to import, as a collection's row gives it."""

    source: str
    label: str
    text: str | None = None
    path: Path | None = None
    overrides: Overrides | None = None
    context: SourceContext | None = None
    error: str = ""


def is_jsonl(path) -> bool:
    return str(path).lower().endswith(JSONL_SUFFIXES)


def read_manifest(path, links_within=False) -> tuple[int, Iterator[Record], set[str]]:
    """The rows of a CSV manifest naming one text file a row: (row count, records, ignored columns).

    A row naming a file outside the manifest's folder (an absolute path, ../, a symbolic link)
    becomes a Record with an error naming the row; links_within allows links inside the folder.
    """
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"{path}: no such manifest file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as error:
        raise ManifestError(f"{path}: not a readable UTF-8 CSV file ({error})") from None
    mapped = _check_columns(path, columns)
    if "file" not in mapped.values():
        raise ManifestError(
            f"{path}: no file column (name one of: file, path, filename); its columns are: {', '.join(columns)}"
        )
    folder = path.parent

    def records():
        for number, row in enumerate(rows, start=2):
            values = {mapped[column]: (value or "").strip() for column, value in row.items() if column in mapped}
            relative = values.get("file", "")
            source = values.get("source") or relative
            label = f"{path.name} line {number} ({source or 'no id'})"
            if not relative:
                yield Record(source or f"{path.name}#{number}", label, error="the row names no file")
                continue
            refused = _outside(folder, relative, links_within)
            if refused:
                yield Record(source, label, error=refused)
                continue
            # Read the path that was checked: the OS would resolve sub/.. through a link.
            yield _record(values, source, label, path=folder / os.path.normpath(relative))

    return len(rows), records(), _ignored(columns, mapped)


def file_records(paths, links_within=False) -> list[Record]:
    """Records for the text files named and the files in the folders named (walked in name order).

    Hidden files are skipped. A symbolic link inside a folder is not followed: it becomes a
    Record with an error naming it, so nothing outside what was given is published. With
    links_within, a link whose target stays inside the folder is read.
    """
    found = []
    for path in map(Path, paths):
        if not path.is_dir():
            found.append(Record(path.name, str(path), path=path))
            continue
        for member in sorted(path.rglob("*")):
            relative = member.relative_to(path)
            if any(part.startswith(".") for part in relative.parts):
                continue
            refused = _outside(path, relative, links_within)
            if refused:
                found.append(Record(member.name, str(member), error=refused))
            elif member.is_file():
                found.append(Record(member.name, str(member), path=member))
    return found


def _outside(folder, relative, links_within):
    """Why `relative` may not be read as a file of `folder` (absolute, ../, a link), or ""."""
    if Path(relative).is_absolute():
        return f"the file {str(relative)!r} is an absolute path; name it relative to {folder}"
    relative = Path(os.path.normpath(relative))
    if relative.parts[:1] == ("..",):
        return f"the file {str(relative)!r} is outside {folder} (it goes up with ..)"
    links = [folder / Path(*relative.parts[:end]) for end in range(1, len(relative.parts) + 1)]
    link = next((candidate for candidate in links if candidate.is_symlink()), None)
    if link is None:
        return ""
    target = os.readlink(link)
    if not links_within:
        return (
            f"{link} is a symbolic link (to {target}) and was not followed; "
            "--links-within-folder reads links whose target stays in the folder"
        )
    if not (folder / relative).resolve().is_relative_to(folder.resolve()):
        return f"{link} is a symbolic link to {target}, outside {folder}, and was not followed"
    return ""


def read_jsonl(path) -> tuple[int | None, Iterator[Record], set[str]]:
    """The records of a JSON-lines file, plain or gzipped, one statement with its text a line."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"{path}: no such file")
    ignored: set[str] = set()

    def records():
        opener = gzip.open if path.suffix == ".gz" else open
        try:
            with opener(path, "rt", encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    yield _jsonl_record(path, number, line, ignored)
        except (OSError, EOFError, UnicodeDecodeError) as error:
            raise ManifestError(f"{path}: cannot be read to the end ({error})") from None

    return None, records(), ignored


def _jsonl_record(path, number, line, ignored):
    label = f"{path.name} line {number}"
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        return Record(f"{path.name}#{number}", label, error=f"not valid JSON ({error.msg})")
    if not isinstance(row, dict):
        return Record(f"{path.name}#{number}", label, error="not a JSON object")
    values = {}
    for key, value in row.items():
        target = COLUMNS.get(key.strip().lower())
        if target is None:
            if key.strip().lower() not in IGNORED:
                ignored.add(key)
            continue
        values[target] = "" if value is None else str(value).strip() if not isinstance(value, str) else value.strip()
    source = values.get("source") or f"{path.name}#{number}"
    label = f"{label} ({source})"
    if not values.get("text"):
        return Record(source, label, error="the record has no text")
    return _record(values, source, label, text=values["text"])


def _check_columns(path, columns):
    mapped = {}
    for column in columns:
        target = COLUMNS.get((column or "").strip().lower())
        if target:
            if target in mapped.values():
                raise ManifestError(f"{path}: two columns give the {target} ({column!r} and another)")
            mapped[column] = target
    return mapped


def _ignored(columns, mapped):
    return {column for column in columns if column not in mapped and (column or "").strip().lower() not in IGNORED}


def _record(values, source, label, text=None, path=None):
    try:
        overrides, context = overrides_from(values)
    except ValueError as error:
        return Record(source, label, error=str(error))
    return Record(source, label, text=text, path=path, overrides=overrides, context=context)


def overrides_from(values: dict) -> tuple[Overrides, SourceContext]:
    """The metadata of one row, by field name (see COLUMNS), as Overrides and a SourceContext."""
    date = _date(values.get("date", ""))
    year = date.year if date else _integer(values.get("year", ""), "year")
    session = _integer(values.get("session", ""), "session")
    position = _integer(values.get("position", ""), "speech_no")
    symbol = values.get("record_symbol", "")
    topic = "" if values.get("topic", "").casefold() in NOT_A_SPEAKER else values.get("topic", "")

    forum, occasion = _forum_and_occasion(values.get("body", ""))
    forum = values.get("forum") or forum or _forum_of_symbol(symbol)
    occasion = values.get("occasion") or occasion
    if occasion and session:
        occasion = f"{occasion}, {_ordinal(session)} session"
    if occasion and year and not date:
        occasion = f"{occasion} ({year})"

    fields = {
        "date": date,
        "forum": forum,
        "occasion": occasion,
        "place": values.get("place", ""),
        "title": values.get("title", ""),
        "language": values.get("language", ""),
    }
    overrides = Overrides(
        fields={key: value for key, value in fields.items() if value},
        speaker=_speaker(values, year),
        meeting=MeetingInfo(symbol=symbol, date=date, topic=topic, kind=values.get("record_kind", ""))
        if symbol
        else None,
        position=position,
    )
    context = SourceContext(running_heads=tuple(head for head in (symbol, topic) if head), year=year)
    return overrides, context


def _speaker(values, year):
    speaker = {}
    written = values.get("speaker", "")
    people = [_person(part) for part in written.split("/")] if written.casefold() not in NOT_A_SPEAKER else []
    people = [person for person in people if person[1]]
    if len(people) > 1:
        # Two people in one value: the source's uncertainty. ingest.apply_overrides picks the one
        # the text's opening names, or keeps the value as written.
        speaker["candidates"] = people
        speaker["as_written"] = re.sub(r"\s+", " ", written).strip()
    elif people:
        honorific, name = people[0]
        speaker["name"] = name
        if honorific:
            speaker["honorific"] = honorific
    country = state_in_year(country_of_code(values.get("country_code")) or values.get("country"), year)
    if country:
        speaker["country"] = country
    if values.get("role"):
        speaker["role"] = values["role"]
    return speaker


def _person(value):
    """(honorific, name) of one person's name in a speaker column; name '' for a bare role."""
    honorific, name = split_honorific(value)
    if re.fullmatch(r"(?:The\s+)?(?:President|Secretary-General|Deputy Secretary-General|Chair)", name, re.IGNORECASE):
        return honorific, ""  # a role, not a name: the person is not known
    return honorific, tidy_name(name)


def _date(value):
    if not value or value.casefold() in {"na", "null", "none"}:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"the date {value!r} is not an ISO date (2020-01-08)") from None


def _integer(value, column):
    if not value:
        return None
    try:
        return int(float(value)) if re.fullmatch(r"\d+(?:\.0)?", value) else int(value)
    except ValueError:
        raise ValueError(f"the {column} {value!r} is not a whole number") from None


def _forum_and_occasion(body):
    if not body:
        return "", ""
    forum, _, occasion = body.partition(",")
    for pattern, replacement in FORUM_ABBREVIATIONS:
        forum = pattern.sub(replacement, forum.strip())
    return forum, occasion.strip()


def _forum_of_symbol(symbol):
    return next((forum for prefix, forum in FORUM_OF_SYMBOL if symbol.startswith(prefix)), "")


def _ordinal(number):
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
