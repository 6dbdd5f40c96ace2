"""Parsing statements: text in, frozen dataclasses out. Imports nothing from Django.

    parse_statement(text) -> ParsedStatement
    parse_file(data: bytes) -> ParsedStatement     (decodes first; raises ParseError)
"""

import hashlib
from dataclasses import dataclass, field
import datetime as dt

from .citations import GA, SC, ResolutionRef, SymbolRef, find_citations
from .header import BOLD, END_MARK, ParsedSpeaker, parse_header
from .text import ParseError, decode_text, normalise_lines, reflow

__all__ = [
    "ParseError",
    "ParsedSpeaker",
    "ParsedStatement",
    "ResolutionRef",
    "SymbolRef",
    "content_hash",
    "parse_file",
    "parse_statement",
]

MIN_BODY_LETTERS = 20


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


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_file(data: bytes) -> ParsedStatement:
    """Decode a file's bytes and parse them; ParseError says why a file is not a statement."""
    return parse_statement(decode_text(data))


def parse_statement(text: str) -> ParsedStatement:
    """Read a statement's header into metadata and its body into clean paragraphs and citations."""
    lines = normalise_lines(text)
    header = parse_header(lines)
    body_lines = [BOLD.sub("", line).strip() for line in header.body_lines]
    paragraphs = reflow(body_lines)
    while paragraphs and END_MARK.match(paragraphs[-1]):
        paragraphs.pop()
    if sum(ch.isalpha() for ch in "".join(paragraphs)) < MIN_BODY_LETTERS:
        raise ParseError("no statement text found (fewer than 20 letters after the header)")
    resolutions, symbols = find_citations(paragraphs)
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
    )
