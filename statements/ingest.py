"""The one write path: parsed statements become rows, one transaction per source.

Idempotent on the source name: an unchanged source changes nothing, a changed one updates
its statement in place (same id, same URL), a source that fails leaves nothing behind.
"""

import json
import logging
import multiprocessing
import threading
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from .models import Citation, Country, DocumentReference, Meeting, Resolution, Speaker, Statement
from .parsing import (
    PARSER_VERSION,
    ParsedSpeaker,
    ParsedStatement,
    ParseError,
    SourceContext,
    content_hash,
    parse_statement,
)
from .parsing.citations import first_year_of_sc_number
from .parsing.countries import canonical_country, delegation_name, participant_kind
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
    same person (same surname). A metadata value naming two people is resolved to the one the
    text's opening names (the text's own words); when the opening names no one (`The
    President:`), the value is kept as written and no person is attributed. The delegation
    the metadata names wins (a record note such as "spoke in French" names none, and gives
    way to the text's); the statement keeps it even when no speaker is named.
    """
    if not overrides:
        return parsed
    speaker = parsed.speaker or ParsedSpeaker(name=None)
    given = {key: value for key, value in overrides.speaker.items() if value}
    candidates = given.pop("candidates", None)
    if "country" in given:
        given["country"] = delegation_name(given["country"])
        if not given["country"]:
            del given["country"]
    if candidates:
        chosen = _named_in_text(candidates, speaker.name)
        if chosen:
            given.pop("as_written")
            given["honorific"], given["name"] = chosen
        elif speaker.name:
            given.pop("as_written")  # the text names someone else: its opening is the better witness
    if given.get("name") and not (speaker.name and _names_compatible(speaker.name, given["name"])):
        country = speaker.country if not speaker.name and not speaker.role else None
        speaker = ParsedSpeaker(name=None, country=country)
    if given.get("name") and speaker.name and len(speaker.name) > len(given["name"]):
        given["name"] = speaker.name  # "Vassily A. Nebenzia" in the text says more than "Nebenzia"
    if given:
        speaker = replace(speaker, **given)
    given_fields = {key: value for key, value in overrides.fields.items() if value not in (None, "")}
    if given_fields.get("date"):
        given_fields["year"] = given_fields["date"].year
    keep = speaker.name or speaker.country or speaker.as_written
    return replace(parsed, speaker=speaker if keep else None, **given_fields)


def _named_in_text(candidates, name_in_text):
    """The (honorific, name) among a metadata value's people that the text's opening names."""
    if not name_in_text:
        return None
    matching = [(honorific, name) for honorific, name in candidates if _names_compatible(name, name_in_text)]
    return matching[0] if len(matching) == 1 else None


def parse_with_overrides(text: str, overrides: Overrides | None, context: SourceContext | None) -> ParsedStatement:
    """Parse a text and put its metadata over the result; raises ParseError. Pure: runs in worker processes."""
    return apply_overrides(parse_statement(text, context), overrides)


def digest_of(text: str, overrides: Overrides | None) -> str:
    """The content hash a statement is stored with: the parser's version, its text and the metadata given with it."""
    return content_hash(f"parser {PARSER_VERSION}\n" + text + (overrides.as_key() if overrides else ""))


def ingest_text(source: str, text: str, overrides: Overrides | None = None) -> Outcome:
    """Parse a statement's text and store it under its source name."""
    try:
        parsed = parse_with_overrides(text, overrides, None)
    except ParseError as error:
        return Outcome(source, FAILED, error=str(error))
    return save_parsed(source, parsed, digest_of(text, overrides), overrides)


def ingest_records(records, dry_run=False, workers=1, want_parsed=False, known=None):
    """Import records (statements.sources.Record), yielding (record, Outcome) in their order.

    Unchanged statements (same text, same metadata) are recognised by their content hash
    before any parsing, so re-running an interrupted import skips quickly to where it
    stopped. With workers > 1, texts are parsed in that many processes while this one
    writes: parsing is pure, and the database has one writer.

    `known` maps the sources already stored to their content hashes (read from the database
    when not given). A dry run reads nothing else: it previews without a database.
    """
    if known is None:
        known = stored_hashes()
    jobs = (_prepare(record, known, want_parsed) for record in records)
    if workers <= 1:
        for record, digest, job, early in jobs:
            yield record, early or _finish(record, digest, _parse_job(job), dry_run, known)
        return
    in_flight = threading.BoundedSemaphore(workers * 16)  # bounds the texts held in memory

    def bounded(jobs):
        for prepared in jobs:
            in_flight.acquire()
            yield prepared

    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for (record, digest, _, early), parsed in pool.imap(_parse_prepared, bounded(jobs), chunksize=2):
            in_flight.release()
            yield record, early or _finish(record, digest, parsed, dry_run, known)


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


def stored_hashes() -> dict[str, str]:
    """Each stored statement's source name and content hash."""
    return dict(Statement.objects.values_list("source", "content_hash"))


def _finish(record, digest, parsed, dry_run, known):
    if isinstance(parsed, ParseError):
        return Outcome(record.source, FAILED, error=str(parsed))
    if dry_run:
        stored = known.get(record.source)
        status = UNCHANGED if stored == digest else UPDATED if stored else CREATED
        return Outcome(record.source, status, parsed=parsed)
    return save_parsed(record.source, parsed, digest, record.overrides)


def save_parsed(source, parsed: ParsedStatement, digest: str, overrides=None) -> Outcome:
    existing = Statement.objects.filter(source=source).only("pk", "content_hash").first()
    if existing and existing.content_hash == digest:
        return Outcome(source, UNCHANGED, existing.pk, parsed=parsed)
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


# What an editor may set in the admin that a re-import would otherwise overwrite; fields that
# move together are kept together (the speaker with the words it resolves, the date with its year).
EDITOR_FIELDS = {
    "speaker": ("speaker", "speaker_as_written"),
    "speaker_as_written": ("speaker", "speaker_as_written"),
    "delegation": ("delegation",),
    "role": ("role",),
    "title": ("title",),
    "date": ("date", "year"),
    "year": ("year",),
    "place": ("place",),
    "forum": ("forum",),
    "occasion": ("occasion",),
    "language": ("language",),
    "body": ("body",),
    "meeting": ("meeting", "position"),
    "position": ("position",),
}


def _write(source, parsed, digest, overrides, existing):
    statement = existing and Statement.objects.select_for_update().get(pk=existing.pk) or Statement(source=source)
    kept = {name for field in statement.editor_fields for name in EDITOR_FIELDS.get(field, ())}
    speaker = parsed.speaker
    values = {
        "speaker": find_or_create_speaker(speaker) if "speaker" not in kept else statement.speaker,
        "speaker_as_written": (speaker and speaker.as_written) or "",
        "role": (speaker and speaker.role) or "",
        "delegation": find_or_create_country(speaker and speaker.country) if "delegation" not in kept else None,
        "title": parsed.title or "",
        "date": parsed.date,
        "year": parsed.date.year if parsed.date else parsed.year,
        "place": parsed.place or "",
        "forum": parsed.forum or "",
        "occasion": parsed.occasion or "",
        "language": parsed.language or "",
        "body": parsed.body,
    }
    if speaker and speaker.name and "/" in speaker.name:
        values["speaker_as_written"] = " ".join(filter(None, [speaker.honorific, speaker.name]))
    if overrides and overrides.meeting:
        values["meeting"] = find_or_create_meeting(overrides.meeting)
        values["position"] = overrides.position
    for name, value in values.items():
        if name not in kept:  # an editor's correction outlives a changed source
            setattr(statement, name, value)
    statement.content_hash = digest
    statement.full_clean(exclude=["speaker", "delegation", "meeting", "content_hash"], validate_unique=False)
    statement.save()
    if "body" in kept:
        return statement  # the citations are those of the editor's text, already stored
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
    country, _ = Country.objects.get_or_create(name=canonical, defaults={"kind": participant_kind(canonical)})
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
    if not parsed or not parsed.name or "/" in parsed.name:  # two people are never one record
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
