"""The one write path: parsed statements become rows, one transaction per source.

Idempotent on the source name: an unchanged source changes nothing, a changed one updates
its statement in place (same id, same URL), a source that fails leaves nothing behind.
"""

import json
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from .models import Citation, Country, DocumentReference, Meeting, Resolution, Speaker, Statement
from .parsing import ParsedSpeaker, ParsedStatement, ParseError, content_hash, parse_file, parse_statement
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
    if not overrides:
        return parsed
    speaker = parsed.speaker or ParsedSpeaker(name=None)
    if overrides.speaker:
        given = {key: value for key, value in overrides.speaker.items() if value}
        if "country" in given:
            given["country"] = canonical_country(given["country"]) or given["country"]
        speaker = replace(speaker, **given)
    given_fields = {key: value for key, value in overrides.fields.items() if value not in (None, "")}
    return replace(parsed, speaker=speaker if speaker.name else None, **given_fields)


def ingest_text(source: str, text: str, overrides: Overrides | None = None, dry_run: bool = False) -> Outcome:
    """Parse a statement's text and store it under its source name."""
    try:
        parsed = apply_overrides(parse_statement(text), overrides)
    except ParseError as error:
        return Outcome(source, FAILED, error=str(error))
    digest = content_hash(text + (overrides.as_key() if overrides else ""))
    return save_parsed(source, parsed, digest, overrides, dry_run=dry_run)


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
    resolution, created = Resolution.objects.get_or_create(
        body=ref.body, session=ref.session, number=ref.number, defaults={"year": ref.year}
    )
    return resolution


def find_or_create_meeting(info: MeetingInfo) -> Meeting:
    meeting, created = Meeting.objects.get_or_create(
        symbol=info.symbol, defaults={"date": info.date, "topic": info.topic, "kind": info.kind}
    )
    return meeting


def text_files(paths) -> list[Path]:
    """The statement files named, folders walked in name order; hidden files skipped."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.parts))
            )
        else:
            found.append(path)
    return found
