"""Reading the metadata a statement's opening lines give, in the layouts ministries and the UN use.

Three layouts are known:

- a UN verbatim record opening: ``Mr. Bessho (Japan): I would like...`` or
  ``Mr. Nebenzia (Russian Federation) (spoke in Russian): ...``;
- a plain title block: ``Statement by H.E. Mr. Koro Bessho`` / role / ``At the ...`` / date;
- a Markdown block of bold lines: forum, meeting, ``June 1, 2017, Tokyo``, ``Keynote Address by ...``.

Whatever the header does not say stays None: the parser never guesses.
"""

import datetime as dt
import re
from dataclasses import dataclass

from .countries import canonical_country, country_in_role


@dataclass(frozen=True)
class ParsedSpeaker:
    """Who spoke, as the text names them, and for which delegation (`country`).

    `as_written` keeps a source's words when they name no single person (a manifest's
    "Mr. Pham Binh Minh/Mr. Dang"): then `name` is None and the statement shows those words.
    """

    name: str | None
    honorific: str | None = None
    role: str | None = None
    country: str | None = None
    as_written: str | None = None


@dataclass
class Header:
    """What the header says, and the body lines after it."""

    body_lines: list[str]
    speaker: ParsedSpeaker | None = None
    title: str | None = None
    date: dt.date | None = None
    place: str | None = None
    forum: str | None = None
    occasion: str | None = None
    language: str | None = None


HONORIFIC = (
    r"(?:H\.\s?E\.|H\.\s?R\.\s?H\.|His\s+Excellency|Her\s+Excellency|His\s+Majesty|Her\s+Majesty|His\s+Highness|"
    r"Her\s+Highness|Ambassador|The\s+Honou?rable|Hon\.|Rt\.?\s+Hon\.?|Dr\.?|Prof\.?|Professor|Mr\.?|Mrs\.?|Ms\.?|"
    r"Mme\.?|Miss|Sir|Dame|Sheikh|Shaikh|Sheikha|Prince|Princess|Lord|Lady|Baroness|Archbishop|Monsignor|Msgr\.|"
    r"Cardinal|Madam|Madame|Senator|President)"
)
HONORIFICS = re.compile(r"^(?P<honorific>" + HONORIFIC + r"(?:\s+" + HONORIFIC + r")*)\s+(?=\S)")

# Mr. Bessho (Japan): / Mr. Nebenzia (Russian Federation) (spoke in Russian): / The President (spoke in French):
# and, for guests who speak for no delegation, Mr. Chambas: / Ms. DiCarlo (spoke in French):
VERBATIM_HONORIFIC = (
    r"(?P<honorific>Mr\.|Mrs\.|Ms\.|Miss|Dame|Sir|Sheikh|Shaikh|Prince|Princess|Archbishop|Cardinal|"
    r"Monsignor|Msgr\.|Lord|Baroness|Dr\.)"
)
NAME_WORD = r"(?:[A-Z][\w'’.-]*|de|da|del|della|dos|du|van|von|der|den|al|el|bin|ibn|la|le|y)"
LANGUAGE = r"(?:\s*\((?:spoke\s+in|interpretation\s+from)\s+(?P<language>[A-Z][a-z]+)[^()]*\))?"
VERBATIM_OPENING = re.compile(
    r"^(?:" + VERBATIM_HONORIFIC + r"\s+(?P<name>[^():\n]{1,60}?)\s*"
    r"\((?!spoke\s|interpretation\s)(?P<country>[^()\n]{2,80}?(?:\s*\([^()\n]{1,40}\))?)\)"
    r"|"
    + VERBATIM_HONORIFIC.replace("?P<honorific>", "?P<guest_honorific>")
    + r"\s+(?P<guest>(?!President\b|Chair)"
    + NAME_WORD
    + r"(?:\s+"
    + NAME_WORD
    + r"){0,5})(?=\s*(?:\(|:))"
    r"|(?P<role>The\s+(?:President|Secretary-General|Deputy\s+Secretary-General|Chair|Chairman|Chairperson|"
    r"Acting\s+President|Vice-President)))" + LANGUAGE + r"\s*:\s*"
)

# Guests the record names without Mr. or Ms.: `Dato Lim Jock Hoi:`, `King Philippe (spoke in
# French):`, `Hadiza (spoke in French):`. Two name words at least, or one with the language
# note; a form of address (`Mr President:`, `Excellencies:`) is the speaker's words, not a label.
LABEL_OPENING = re.compile(
    r"^(?!(?:Mr|Mrs|Ms|Madam|Madame|Monsieur|Sir|Your|Distinguished|Dear|Excellenc\w*|Honou?rable|Ladies|"
    r"President(?=\s*[:(])|Chair\w*|Colleagues|Friends|Brothers|Sisters|Members|Delegates)\b)"
    r"(?P<label>[A-Z][\w'’.-]*(?:(?:\s+"
    + NAME_WORD
    + r"){1,5}(?=\s*(?:\(|:))|(?=\s*\((?:spoke|interpretation))))"
    + LANGUAGE
    + r"\s*:\s+(?=[^\sa-z])"
)

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
DATE_PATTERNS = [
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + MONTH + r",?\s+(?P<year>\d{4})\b", re.IGNORECASE),
    re.compile(r"\b" + MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
]

TITLE_BY = re.compile(r"^(?P<title>[A-Z][^\n]{0,80}?)\s+by\s+(?P<who>" + HONORIFIC + r"(?=\s).*)$")
GENERIC_TITLES = {"statement", "remarks", "speech", "intervention", "address"}
OCCASION = re.compile(r"^(?:delivered\s+)?at\s+(?:the\s+)?(?P<occasion>.+)$", re.IGNORECASE)
QUOTED = re.compile(r"[“\"](?P<quoted>[^”\"]{3,300})[”\"]")
END_MARK = re.compile(r"^\(?\s*(?:end|fin|ends|\*\*\*|-\s*end\s*-|#+)\s*\)?\.?$", re.IGNORECASE)
BOLD = re.compile(r"\*\*|__")
FORUMS = [
    (re.compile(r"Security Council", re.IGNORECASE), "United Nations Security Council"),
    (re.compile(r"General Assembly", re.IGNORECASE), "United Nations General Assembly"),
    (re.compile(r"Human Rights Council", re.IGNORECASE), "Human Rights Council"),
    (re.compile(r"Economic and Social Council", re.IGNORECASE), "Economic and Social Council"),
]
MEETING_WORDS = re.compile(r"\b(?:meeting|plenary|session|conference|summit|debate|dialogue|forum)\b", re.IGNORECASE)
MAX_HEADER_LINES = 10


def parse_date(text: str) -> tuple[dt.date | None, re.Match | None]:
    for pattern in DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        month = match.group("month")
        month = int(month) if month.isdigit() else MONTHS[month.lower()]
        try:
            return dt.date(int(match.group("year")), month, int(match.group("day"))), match
        except ValueError:
            continue
    return None, None


# A monarch's or a family's ordinal after the name (Mswati III, Hamad bin Isa II); single letters
# are left out, being initials as often as numerals.
REGNAL_NUMBER = re.compile(r"(?:X{0,3})(?:IX|IV|V?I{0,3})")
ELIDED_PREFIX = re.compile(r"^[^\W\d_]['’](?=[^\W\d_])")
GLUED_HONORIFIC = re.compile(r"(?P<abbreviation>Mrs|Mr|Ms|Mme|Dr|Prof)\.+\s*(?=[^\W\d_])")


def tidy_name(name: str) -> str:
    """Names in capitals (SONOURA) are shown as names are written (Sonoura); an ordinal after the
    name stays in capitals (Mswati III)."""
    words = []
    for position, word in enumerate(name.split()):
        ordinal = position > 0 and len(word) > 1 and REGNAL_NUMBER.fullmatch(word.rstrip(",;"))
        letters = re.sub(r"[-'’]", "", word)  # initials (G.P.) stay as written
        if len(word) > 1 and word.isupper() and letters.isalpha() and not ordinal:
            word = "-".join(_capitalised(part) for part in word.split("-"))
        words.append(word)
    return " ".join(words).strip(" ,;")


def _capitalised(part):
    """AL is Al, D'ESCOTO is D'Escoto and O'NEILL O'Neill, but RIFA'I is Rifa'i (an apostrophe
    inside an Arabic name marks a sound, not a prefix)."""
    prefix = ELIDED_PREFIX.match(part)
    if prefix:
        return prefix.group() + part[prefix.end() :].capitalize()
    return part.capitalize()


def split_honorific(text: str) -> tuple[str | None, str]:
    """("Mr.", "Facio") of "Mr. Facio", and of the ways files type it: "Mr.Facio", "Mr.. Facio",
    "Mr.Mr. Facio" (the General Debate file has each)."""
    text = text.strip()
    position = 0
    while glued := GLUED_HONORIFIC.match(text, position):
        spaced = glued.group("abbreviation") + ". "
        text = text[:position] + spaced + text[glued.end() :]
        position += len(spaced)
    match = HONORIFICS.match(text)
    if not match:
        return None, text
    words = match.group("honorific").split()
    honorific = " ".join(word for index, word in enumerate(words) if index == 0 or word != words[index - 1])
    return honorific, text[match.end() :]


# The records' two columns, read across, can put the President's first sentence inside the
# label's language note: "The President (spoke I thank Mr. Lacroix for his briefing. in
# Russian): I now give the floor" (38 of the 2020 Council speeches).
INTERLEAVED_LABEL = re.compile(
    r"^(?P<label>[^()\n:]{2,80}?)\s*\(spoke\s+(?!in\s)(?P<moved>[^()\n]{2,200}?)\s+in\s+(?P<language>[A-Z][a-z]+)\)\s*:\s*"
)


# Two more slips of the same reading: the language note before the delegation ("Mr. Michon
# (spoke in French) (France):"), and the President's label read as "Mr. President (spoke in
# French):" (an address to the President has no language note).
NOTE_BEFORE_DELEGATION = re.compile(
    r"^(?P<label>[^()\n:]{2,80}?)\s*(?P<note>\(spoke\s+in\s+[A-Z][a-z]+\))\s*(?P<delegation>\([^()\n]{2,80}\))\s*:"
)
PRESIDENT_AS_MR = re.compile(r"^Mr\.\s+President(?=\s*\(spoke\s+in\s)")


def _restore_interleaved(line: str) -> str:
    """The label as the record prints it, the moved sentence back at the start of the speech."""
    line = PRESIDENT_AS_MR.sub("The President", line)
    match = INTERLEAVED_LABEL.match(line)
    if match:
        label, moved, language = match.group("label", "moved", "language")
        return f"{label} (spoke in {language}): {moved} {line[match.end() :]}"
    match = NOTE_BEFORE_DELEGATION.match(line)
    if match:
        label, note, delegation = match.group("label", "note", "delegation")
        return f"{label} {delegation} {note}:{line[match.end() :]}"
    return line


def parse_header(lines: list[str]) -> Header:
    """Split off the header block, if any, and read it."""
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        return Header(body_lines=[])
    lines = [*lines[:first], _restore_interleaved(lines[first]), *lines[first + 1 :]]
    opening = VERBATIM_OPENING.match(lines[first])
    if opening:
        return _verbatim_header(opening, lines, first)
    label = LABEL_OPENING.match(lines[first])
    if label:
        honorific, name = split_honorific(label.group("label"))
        return Header(
            body_lines=[lines[first][label.end() :]] + lines[first + 1 :],
            speaker=ParsedSpeaker(name=tidy_name(name), honorific=honorific),
            language=label.group("language"),
        )
    entries, body_start = _header_entries(lines)
    if not entries:
        return Header(body_lines=lines)
    header = _read_entries(entries)
    if header is None:
        return Header(body_lines=lines)
    header.body_lines = lines[body_start:]
    return header


def _verbatim_header(opening, lines, first):
    rest = lines[first][opening.end() :]
    if opening.group("role"):
        speaker = ParsedSpeaker(name=None, role=opening.group("role").split(None, 1)[1])
    elif opening.group("guest"):
        speaker = ParsedSpeaker(name=tidy_name(opening.group("guest")), honorific=opening.group("guest_honorific"))
    else:
        country_text = opening.group("country")
        speaker = ParsedSpeaker(
            name=tidy_name(opening.group("name")),
            honorific=opening.group("honorific"),
            country=canonical_country(country_text) or country_text.strip(),
        )
    return Header(
        body_lines=[rest] + lines[first + 1 :],
        speaker=speaker,
        language=opening.group("language"),
    )


def _header_entries(lines):
    """The header's lines as entries (a bold span or a plain line) and where the body starts.

    A header exists when the text opens with bold lines, or with a "Statement by ..." line;
    it ends at the first plain line after the bold ones, or after the date line.
    """
    first = next(i for i, line in enumerate(lines) if line)
    if lines[first].startswith(("**", "__")):
        return _bold_entries(lines, first)
    if not TITLE_BY.match(lines[first]):
        return [], 0
    entries = []
    for index in range(first, min(len(lines), first + MAX_HEADER_LINES)):
        line = lines[index]
        if not line:
            continue
        entries.append(line)
        if parse_date(line)[0] and len(line) < 60:
            return entries, index + 1
    return [], 0


def _bold_entries(lines, first):
    entries, current, open_bold = [], [], False
    for index in range(first, len(lines)):
        line = lines[index]
        if not line and not open_bold:
            continue
        if not open_bold and not line.startswith(("**", "__")):
            return entries, index
        current.append(BOLD.sub("", line).strip())
        open_bold ^= len(BOLD.findall(line)) % 2 == 1
        if not open_bold:
            entries.append(" ".join(part for part in current if part))
            current = []
    return entries, len(lines)


def _read_entries(entries) -> Header | None:
    header = Header(body_lines=[])
    speaker_index = None
    unclassified = []
    for index, entry in enumerate(entries):
        found_date, match = parse_date(entry)
        by = TITLE_BY.match(entry)
        occasion = OCCASION.match(entry)
        if by and speaker_index is None:
            speaker_index = index
            title = by.group("title").strip()
            if title.lower() not in GENERIC_TITLES:
                header.title = title
            header.speaker = _speaker_from(by.group("who"))
        elif found_date and header.date is None and len(entry) < 80:
            header.date = found_date
            place = (entry[: match.start()] + " " + entry[match.end() :]).strip(" ,;-–")
            header.place = place or None
        elif occasion and header.occasion is None:
            header.occasion = occasion.group("occasion").strip()
        elif speaker_index is not None and index == speaker_index + 1 and header.speaker and not header.speaker.role:
            header.speaker = _with_role(header.speaker, entry)
        elif header.occasion is not None and speaker_index is not None and index > speaker_index:
            header.occasion = f"{header.occasion} {entry}".strip()
        else:
            unclassified.append(entry)
    if header.speaker is None:
        return None
    _read_forum(header, unclassified)
    return header


def _read_forum(header, unclassified):
    if header.occasion:
        quoted = QUOTED.search(header.occasion)
        if quoted and not header.title:
            header.title = quoted.group("quoted").strip()
        for pattern, forum in FORUMS:
            if pattern.search(header.occasion):
                header.forum = forum
                break
    if unclassified:
        forum = re.sub(r"^the\s+", "", unclassified[0], flags=re.IGNORECASE).strip()
        header.forum = header.forum or forum
        meeting = next((entry for entry in unclassified[1:] if MEETING_WORDS.search(entry)), None)
        if meeting and not header.occasion:
            header.occasion = f"{meeting} of the {forum}"


def _speaker_from(text: str) -> ParsedSpeaker:
    """'H.E. Mr. Koro Bessho' or 'Mr Kentaro SONOURA, State Minister for Foreign Affairs, Japan'."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    honorific, name = split_honorific(parts[0])
    speaker = ParsedSpeaker(name=tidy_name(name), honorific=honorific)
    if len(parts) > 1:
        speaker = _with_role(speaker, ", ".join(parts[1:]))
    return speaker


def _with_role(speaker: ParsedSpeaker, text: str) -> ParsedSpeaker:
    parts = [part.strip() for part in text.split(",")]
    country = canonical_country(parts[-1]) if len(parts) > 1 else None
    role = ", ".join(parts[:-1]) if country else text.strip()
    country = country or country_in_role(role)
    return ParsedSpeaker(speaker.name, speaker.honorific, role or None, country)
