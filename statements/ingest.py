"""The one write path: parsed statements become rows, one transaction per source.

Idempotent on the source name: an unchanged source changes nothing, a changed one updates
its statement in place (same id, same URL), a source that fails leaves nothing behind.
"""

import json
import logging
import multiprocessing
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from .models import Citation, Country, DocumentReference, Meeting, Resolution, Speaker, Statement
from .parsing import ParsedSpeaker, ParsedStatement, ParseError, SourceContext, content_hash, parse_statement
from .parsing.citations import first_year_of_sc_number
from .parsing.countries import canonical_country, is_organisation
from .parsing.text import decode_text

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
TEXT_SUFFIXES = {".txt", ".md", ".text"}


@dataclass(frozen=True)
class MeetingInfo:
    """The meeting a statement belongs to, as a manifest gives it."""

    symbol: str
    date: object = None
    topic: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Overrides:
    """Metadata given beside the text (a manifest row); it wins over what the parser reads."""

    fields: dict = field(default_factory=dict)
    speaker: dict = field(default_factory=dict)
    meeting: MeetingInfo | None = None
    position: int | None = None

    def as_key(self) -> str:
        return json.dumps(
            [self.fields, self.speaker, self.meeting and vars(self.meeting), self.position],
            sort_keys=True,
            default=str,
        )


@dataclass
class Outcome:
    """What happened to one source."""

    source: str
    status: str
    statement_id: int | None = None
    error: str = ""
    parsed: ParsedStatement | None = None


def apply_overrides(parsed: ParsedStatement, overrides: Overrides | None) -> ParsedStatement:
    """The parsed statement with the metadata given beside the text put over what the text says.

    A speaker named in the metadata replaces the one the text opens with, unless they are the
    same person (same surname); the text's delegation is kept only for the same person. A
    delegation in the metadata counts only when it is one we know (canonical_country);
    metadata columns are noisy ("spoke in French", a person's name).
    """
    if not overrides:
        return parsed
    speaker = parsed.speaker or ParsedSpeaker(name=None)
    given = {key: value for key, value in overrides.speaker.items() if value}
    if "country" in given:
        given["country"] = canonical_country(given["country"])
        if not given["country"]:
            del given["country"]
    if given.get("name") and not (speaker.name and _names_compatible(speaker.name, given["name"])):
        country = speaker.country if not speaker.name and not speaker.role else None
        speaker = ParsedSpeaker(name=None, country=country)
    if given:
        speaker = replace(speaker, **given)
    given_fields = {key: value for key, value in overrides.fields.items() if value not in (None, "")}
    if given_fields.get("date"):
        given_fields["year"] = given_fields["date"].year
    return replace(parsed, speaker=speaker if speaker.name else None, **given_fields)


def parse_with_overrides(text: str, overrides: Overrides | None, context: SourceContext | None) -> ParsedStatement:
    """Parse a text and put its metadata over the result; raises ParseError. Pure: runs in worker processes."""
    return apply_overrides(parse_statement(text, context), overrides)


def digest_of(text: str, overrides: Overrides | None) -> str:
    """The content hash a statement is stored with: its text and the metadata given with it."""
    return content_hash(text + (overrides.as_key() if overrides else ""))


def ingest_text(source: str, text: str, overrides: Overrides | None = None, dry_run: bool = False) -> Outcome:
    """Parse a statement's text and store it under its source name."""
    try:
        parsed = parse_with_overrides(text, overrides, None)
    except ParseError as error:
        return Outcome(source, FAILED, error=str(error))
    return save_parsed(source, parsed, digest_of(text, overrides), overrides, dry_run=dry_run)


def ingest_file(path: Path, source: str | None = None, overrides: Overrides | None = None, dry_run=False) -> Outcome:
    """Read, decode and store one text file; unreadable files come back FAILED with the reason."""
    source = source or path.name
    try:
        text = decode_text(path.read_bytes())
    except OSError as error:
        return Outcome(source, FAILED, error=f"cannot read the file: {error.strerror or error}")
    except ParseError as error:
        return Outcome(source, FAILED, error=str(error))
    return ingest_text(source, text, overrides, dry_run=dry_run)


def ingest_records(records, dry_run=False, workers=1, want_parsed=False):
    """Import records (statements.sources.Record), yielding (record, Outcome) in their order.

    Unchanged statements (same text, same metadata) are recognised by their content hash
    before any parsing, so re-running an interrupted import skips quickly to where it
    stopped. With workers > 1, texts are parsed in that many processes while this one
    writes: parsing is pure, and the database has one writer.
    """
    known = dict(Statement.objects.values_list("source", "content_hash"))
    jobs = (_prepare(record, known, want_parsed) for record in records)
    if workers <= 1:
        for record, digest, job, early in jobs:
            yield record, early or _finish(record, digest, _parse_job(job), dry_run)
        return
    in_flight = threading.BoundedSemaphore(workers * 16)  # bounds the texts held in memory

    def bounded(jobs):
        for prepared in jobs:
            in_flight.acquire()
            yield prepared

    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for (record, digest, _, early), parsed in pool.imap(_parse_prepared, bounded(jobs), chunksize=2):
            in_flight.release()
            yield record, early or _finish(record, digest, parsed, dry_run)


def _prepare(record, known, want_parsed):
    """(record, digest, parse job, outcome if it needs no parsing)."""
    if record.error:
        return record, None, None, Outcome(record.source, FAILED, error=record.error)
    text = record.text
    if text is None:
        try:
            text = decode_text(record.path.read_bytes())
        except OSError as error:
            return (
                record,
                None,
                None,
                Outcome(record.source, FAILED, error=f"cannot read {record.path}: {error.strerror or error}"),
            )
        except ParseError as error:
            return record, None, None, Outcome(record.source, FAILED, error=f"{record.path.name}: {error}")
    digest = digest_of(text, record.overrides)
    if known.get(record.source) == digest and not want_parsed:
        return record, digest, None, Outcome(record.source, UNCHANGED)
    return record, digest, (text, record.overrides, record.context), None


def _parse_prepared(prepared):
    record, digest, job, early = prepared
    # Only what the writer needs travels back from the worker.
    return (record.__class__(record.source, record.label, overrides=record.overrides), digest, None, early), _parse_job(
        job
    )


def _parse_job(job):
    if job is None:
        return None
    try:
        return parse_with_overrides(*job)
    except ParseError as error:
        return error


def _finish(record, digest, parsed, dry_run):
    if isinstance(parsed, ParseError):
        return Outcome(record.source, FAILED, error=str(parsed))
    return save_parsed(record.source, parsed, digest, record.overrides, dry_run=dry_run)


def save_parsed(source, parsed: ParsedStatement, digest: str, overrides=None, dry_run=False) -> Outcome:
    existing = Statement.objects.filter(source=source).only("pk", "content_hash").first()
    if existing and existing.content_hash == digest:
        return Outcome(source, UNCHANGED, existing.pk, parsed=parsed)
    if dry_run:
        return Outcome(source, UPDATED if existing else CREATED, existing and existing.pk, parsed=parsed)
    try:
        with transaction.atomic():
            statement = _write(source, parsed, digest, overrides, existing)
    except ValidationError as error:
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        return Outcome(source, FAILED, error=f"invalid metadata ({problems})")
    except DatabaseError as error:
        logger.warning("ingest of %s failed: %s", source, error)
        return Outcome(source, FAILED, error=f"the database refused it: {error}")
    return Outcome(source, UPDATED if existing else CREATED, statement.pk, parsed=parsed)


def _write(source, parsed, digest, overrides, existing):
    statement = existing and Statement.objects.select_for_update().get(pk=existing.pk) or Statement(source=source)
    statement.speaker = find_or_create_speaker(parsed.speaker)
    statement.title = parsed.title or ""
    statement.date = parsed.date
    statement.year = parsed.date.year if parsed.date else parsed.year
    statement.place = parsed.place or ""
    statement.forum = parsed.forum or ""
    statement.occasion = parsed.occasion or ""
    statement.language = parsed.language or ""
    statement.body = parsed.body
    statement.content_hash = digest
    if overrides and overrides.meeting:
        statement.meeting = find_or_create_meeting(overrides.meeting)
        statement.position = overrides.position
    statement.full_clean(exclude=["speaker", "meeting", "content_hash"], validate_unique=False)
    statement.save()
    statement.citations.all().delete()
    statement.document_references.all().delete()
    Citation.objects.bulk_create(
        Citation(
            statement=statement,
            resolution=find_or_create_resolution(ref),
            sentence=ref.sentence,
            paragraph=ref.paragraph,
            cited_year=ref.year,
        )
        for ref in parsed.resolutions
    )
    DocumentReference.objects.bulk_create(
        DocumentReference(statement=statement, symbol=ref.symbol, sentence=ref.sentence, paragraph=ref.paragraph)
        for ref in parsed.document_symbols
    )
    return statement


def find_or_create_country(name: str | None) -> Country | None:
    if not name:
        return None
    canonical = canonical_country(name) or name.strip()
    kind = Country.Kind.ORGANISATION if is_organisation(canonical) else Country.Kind.STATE
    country, _ = Country.objects.get_or_create(name=canonical, defaults={"kind": kind})
    return country


def _names_compatible(a: str, b: str) -> bool:
    """'Bessho' and 'Koro Bessho' are the same person; 'Koro Bessho' and 'Ken Bessho' are not."""
    a_words, b_words = a.casefold().split(), b.casefold().split()
    if a_words[-1] != b_words[-1]:
        return False
    shorter, longer = sorted((a_words, b_words), key=len)
    return len(shorter) == 1 or shorter == longer[-len(shorter) :]


def find_or_create_speaker(parsed: ParsedSpeaker | None) -> Speaker | None:
    """The speaker record for a parsed speaker: same surname and same delegation is the same person.

    People who share a surname but not a delegation are never merged; when a delegation has
    two people of that surname, the text's short form cannot tell them apart, so a new
    record is made and an editor merges in the admin.
    """
    if not parsed or not parsed.name:
        return None
    country = find_or_create_country(parsed.country)
    candidates = [
        speaker
        for speaker in Speaker.objects.filter(country=country, name__iendswith=parsed.name.split()[-1])
        if _names_compatible(speaker.name, parsed.name)
    ]
    exact = [speaker for speaker in candidates if speaker.name.casefold() == parsed.name.casefold()]
    if exact:
        speaker = exact[0]
    elif len(candidates) == 1:
        speaker = candidates[0]
    else:
        speaker, _ = Speaker.objects.get_or_create(name=parsed.name, country=country)
    changed = False
    if len(parsed.name) > len(speaker.name) and not Speaker.objects.filter(name=parsed.name, country=country).exists():
        speaker.name, changed = parsed.name, True
    if parsed.honorific and len(parsed.honorific) > len(speaker.honorific):
        speaker.honorific, changed = parsed.honorific, True
    if parsed.role and not speaker.role:
        speaker.role, changed = parsed.role, True
    if changed:
        speaker.save()
    return speaker


def find_or_create_resolution(ref) -> Resolution:
    """The resolution a citation points to, created when first cited.

    Its year comes from the registry (load_resolutions), which always wins. A resolution
    first met in a text takes the year written beside it only when that year is the one the
    parser's table of Council numbers gives (a misprinted year must not become the record's),
    and a later text never changes a year already set: it is compared with it instead
    (Citation.year_conflicts).
    """
    year = ref.year if ref.year and _plausible_year(ref) else None
    resolution, created = Resolution.objects.get_or_create(
        body=ref.body, session=ref.session, number=ref.number, defaults={"year": year}
    )
    if not created and resolution.year is None and year:
        resolution.year = year
        resolution.save(update_fields=["year"])
    return resolution


def _plausible_year(ref) -> bool:
    if ref.body != Resolution.Body.SECURITY_COUNCIL:
        return False
    expected = first_year_of_sc_number(ref.number)
    if expected is None or ref.number > 2195:  # the table's later years are approximate
        return expected is None or abs(expected - ref.year) <= 1
    return expected == ref.year


def find_or_create_meeting(info: MeetingInfo) -> Meeting:
    """The meeting with this record symbol; metadata it lacks is filled in, never overwritten."""
    meeting, created = Meeting.objects.get_or_create(
        symbol=info.symbol, defaults={"date": info.date, "topic": info.topic, "kind": info.kind}
    )
    if not created:
        missing = {
            name: value
            for name, value in (("date", info.date), ("topic", info.topic), ("kind", info.kind))
            if value and not getattr(meeting, name)
        }
        if missing:
            for name, value in missing.items():
                setattr(meeting, name, value)
            meeting.save(update_fields=list(missing))
    return meeting
