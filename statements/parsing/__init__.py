"""Parsing statements: text in, frozen dataclasses out. Imports nothing from Django.

    parse_statement(text, context=None) -> ParsedStatement
    parse_file(data: bytes, context=None) -> ParsedStatement     (decodes first; raises ParseError)

A `SourceContext` carries what the caller knows about where a text comes from (a manifest
row's meeting symbol and topic, the year of a General Debate); the parser uses it to read
the text, never to fill in metadata the text does not give.
"""

import datetime as dt
import hashlib
import itertools
import re
from dataclasses import dataclass, field

from .citations import GA, SC, ResolutionRef, SymbolRef, find_citations
from .furniture import strip_furniture
from .header import BOLD, END_MARK, ParsedSpeaker, parse_header
from .segmentation import segment_paragraphs
from .text import ParseError, decode_text, normalise_lines, reflow, tidy_paragraph

__all__ = [
    "PARSER_VERSION",
    "ParseError",
    "ParsedSpeaker",
    "ParsedStatement",
    "ResolutionRef",
    "SourceContext",
    "SymbolRef",
    "content_hash",
    "parse_file",
    "parse_statement",
]

# Raise it whenever a change to the parser changes what it yields for texts already stored
# (paragraphs, header, citations): ingest stores it in each statement's content hash, so a
# re-import then re-parses every file and updates its statement in place (same id and URL,
# editors' fields kept) instead of skipping it as unchanged.
PARSER_VERSION = 5

MIN_BODY_LETTERS = 20
# The record's notes between speeches, not the speaker's words.
RECORD_NOTE = re.compile(
    r"^(?:\((?:spoke\s+in|interpretation\s+from|continued\s+in)\s[^()]*\)"
    r"|\*?\(Continued in next message\)\*?"
    r"|[^.]{0,120}\btook the Chair\."
    r"|[-*_=]{3,})$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SourceContext:
    """What is known about a text's source that helps read it.

    `running_heads`: the record symbol and agenda topic printed in its page headers, removed
    where they leaked into the text. `year`: the year it was made, which bounds the Security
    Council resolutions it can cite (the date the text gives, if any, wins).
    """

    running_heads: tuple[str, ...] = ()
    year: int | None = None


@dataclass(frozen=True)
class ParsedStatement:
    """A statement as the text gives it; None wherever the text does not say."""

    paragraphs: tuple[str, ...]
    speaker: ParsedSpeaker | None = None
    title: str | None = None
    date: dt.date | None = None
    place: str | None = None
    forum: str | None = None
    occasion: str | None = None
    language: str | None = None
    resolutions: tuple[ResolutionRef, ...] = field(default=())
    document_symbols: tuple[SymbolRef, ...] = field(default=())
    year: int | None = None  # the date's year, or the year the source gives when it has no date

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def sc_resolutions(self) -> list[int]:
        return sorted(ref.number for ref in self.resolutions if ref.body == SC)

    @property
    def ga_resolutions(self) -> list[str]:
        refs = sorted((ref.session, ref.number) for ref in self.resolutions if ref.body == GA)
        return [f"{session}/{number}" for session, number in refs]

    @property
    def symbols(self) -> list[str]:
        return sorted(ref.symbol for ref in self.document_symbols)

    def as_json(self, source: str) -> dict:
        """The shape `ingest --json` prints, one object a statement."""
        speaker = self.speaker or ParsedSpeaker(name=None)
        return {
            "source": source,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "place": self.place,
            "forum": self.forum,
            "occasion": self.occasion,
            "speaker": {
                "name": speaker.name,
                "honorific": speaker.honorific,
                "role": speaker.role,
                "country": speaker.country,
            },
            "language": self.language,
            "sc_resolutions": self.sc_resolutions,
            "ga_resolutions": self.ga_resolutions,
            "document_symbols": self.symbols,
            "paragraphs": list(self.paragraphs),
        }


LETTER = re.compile(r"[^\W\d_]")


def _has_letters(paragraphs, wanted):
    found = 0
    for paragraph in paragraphs:
        found += sum(1 for _ in itertools.islice(LETTER.finditer(paragraph), wanted - found))
        if found >= wanted:
            return True
    return False


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_file(data: bytes, context: SourceContext | None = None) -> ParsedStatement:
    """Decode a file's bytes and parse them; ParseError says why a file is not a statement."""
    return parse_statement(decode_text(data), context)


def parse_statement(text: str, context: SourceContext | None = None) -> ParsedStatement:
    """Read a statement's header into metadata and its body into clean paragraphs and citations."""
    context = context or SourceContext()
    lines = strip_furniture(normalise_lines(text), context.running_heads)
    header = parse_header(lines)
    body_lines = [BOLD.sub("", line).strip() for line in header.body_lines]
    paragraphs = [tidy_paragraph(paragraph) for paragraph in reflow(body_lines)]
    paragraphs = [paragraph for paragraph in paragraphs if not RECORD_NOTE.match(paragraph)]
    while paragraphs and END_MARK.match(paragraphs[-1]):
        paragraphs.pop()
    paragraphs = segment_paragraphs(paragraphs)
    if not _has_letters(paragraphs, MIN_BODY_LETTERS):
        raise ParseError("no statement text found (fewer than 20 letters after the header)")
    year = header.date.year if header.date else context.year
    resolutions, symbols = find_citations(paragraphs, year, context.running_heads)
    return ParsedStatement(
        paragraphs=tuple(paragraphs),
        speaker=header.speaker,
        title=header.title,
        date=header.date,
        place=header.place,
        forum=header.forum,
        occasion=header.occasion,
        language=header.language,
        resolutions=resolutions,
        document_symbols=symbols,
        year=year,
    )
