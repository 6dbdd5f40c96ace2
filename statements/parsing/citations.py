"""Finding the resolutions and UN documents a statement cites.

Precision matters more than recall: a wrong citation sends a researcher to the wrong place.
A number counts as a Security Council resolution only when the text says "resolution" (or
writes S/RES/...), and a General Assembly one only when it says "Assembly" or A/RES/.
"""

import re
from dataclasses import dataclass

from .text import split_sentences

SC, GA = "SC", "GA"
LATEST_PLAUSIBLE_SC_NUMBER = 3500


@dataclass(frozen=True)
class ResolutionRef:
    """One resolution cited in the text: body, number (and GA session), the year written beside it."""

    body: str
    number: int
    session: int | None = None
    year: int | None = None
    sentence: str = ""
    paragraph: int = 0

    @property
    def key(self):
        return (self.body, self.session, self.number)

    @property
    def label(self):
        return f"{self.session}/{self.number}" if self.body == GA else str(self.number)


@dataclass(frozen=True)
class SymbolRef:
    """Another UN document cited by symbol, normalised (S/2015/446, S/PV.7750)."""

    symbol: str
    sentence: str = ""
    paragraph: int = 0


YEAR = r"\(\s*(?P<year>1[94]\d\d|20\d\d)\s*\)"
SC_SYMBOL = re.compile(r"\bS/RES/(?P<number>\d{1,4})(?:\s*" + YEAR + ")?")
GA_SYMBOL = re.compile(r"\bA/RES/(?P<session>\d{1,2})/(?P<number>\d{1,4})\b")

# "resolution 2341", "resolutions 2139 (2014), 2165 (2014) and 2504 (2020)", "res. 2341",
# "resolution No. 598"; the list continues through commas, "and", "or", "as well as".
LIST_ITEM = r"(?:\d{1,4}/\d{1,4}|\d{1,4})(?:\s*\((?:[^()]{1,12})\))?"
KEYWORD_LIST = re.compile(
    r"\b(?P<keyword>[Rr]esolutions?|[Rr]es\.)\s+(?:[Nn]os?\.\s*)?"
    r"(?P<items>" + LIST_ITEM + r"(?:\s*(?:,|;|\band\b|\bor\b|,\s*and\b|\bas well as\b)\s*" + LIST_ITEM + r")*)"
)
ITEM = re.compile(r"(?P<number>\d{1,4})(?:/(?P<ga_number>\d{1,4}))?(?:\s*\((?P<paren>[^()]{1,12})\))?")

# "two Security Council resolutions on counter-terrorism: 2309 on aviation security and 2322 on ..."
COLON_LIST = re.compile(r"\b[Rr]esolutions\b[^.:;]{0,80}:\s*(?P<rest>[^.;]*)")
COLON_ITEM = re.compile(r"(?:^|,|\band\b)\s*(?P<number>\d{3,4})(?:\s*" + YEAR + r")?(?=\s+(?:on|of|concerning|regarding)\b)")

NOT_SC_BEFORE = re.compile(
    r"(?:General\s+Assembly|Assembly|Human\s+Rights\s+Council|Economic\s+and\s+Social\s+Council|ECOSOC|"
    r"Conference|Board|Commission|IAEA|WHO|UNESCO)\s*(?:\w+\s+){0,2}$"
)
ASSEMBLY_BEFORE = re.compile(r"(?:General\s+)?Assembly\s*(?:\w+\s+){0,2}$")

DOCUMENT_SYMBOL = re.compile(
    r"\b(?P<symbol>"
    r"S/PV\.\d{1,5}(?:\s*\((?:Resumption|Part)\s*\d\)|\s*\(Resumption\))?"
    r"|S/PRST/\d{4}/\d{1,3}"
    r"|S/\d{4}/\d{1,4}(?:/(?:Add|Rev|Corr)\.\d{1,2})*"
    r"|A/(?:RES/)?(?:[A-Z]{2,5}/)?\d{1,2}/(?:L\.)?\d{1,4}(?:/(?:Add|Rev|Corr)\.\d{1,2})*"
    r"|A/(?:HRC|CONF\.\d{1,3})/\d{1,3}/\d{1,4}"
    r")(?![\w/])"
)


def find_citations(paragraphs) -> tuple[tuple[ResolutionRef, ...], tuple[SymbolRef, ...]]:
    """All resolutions and document symbols cited, each once, with the first sentence citing it."""
    resolutions: dict[tuple, ResolutionRef] = {}
    symbols: dict[str, SymbolRef] = {}
    for index, paragraph in enumerate(paragraphs):
        for _, sentence in split_sentences(paragraph):
            for ref in resolutions_in(sentence, index):
                resolutions.setdefault(ref.key, ref)
            for match in DOCUMENT_SYMBOL.finditer(sentence):
                symbol = normalise_symbol(match.group("symbol"))
                if symbol.startswith("A/RES/"):
                    continue
                symbols.setdefault(symbol, SymbolRef(symbol, sentence, index))
    return tuple(resolutions.values()), tuple(symbols.values())


def normalise_symbol(symbol: str) -> str:
    symbol = re.sub(r"\s+", " ", symbol.strip().upper())
    symbol = symbol.replace("RESUMPTION", "Resumption").replace("PART", "Part")
    return re.sub(r"\s*\(", " (", symbol)


def resolutions_in(sentence: str, paragraph: int = 0):
    """Yield the resolutions one sentence cites."""
    return (ref for ref in _candidates(sentence, paragraph) if ref is not None)


def _candidates(sentence, paragraph):
    for match in SC_SYMBOL.finditer(sentence):
        yield _sc(match.group("number"), match.group("year"), sentence, paragraph)
    for match in GA_SYMBOL.finditer(sentence):
        yield ResolutionRef(GA, int(match.group("number")), int(match.group("session")), None, sentence, paragraph)
    for match in KEYWORD_LIST.finditer(sentence):
        before = sentence[: match.start()]
        if before.rstrip().endswith("/") or sentence[match.start() - 4 : match.start()] == "RES/":
            continue
        by_assembly = bool(ASSEMBLY_BEFORE.search(before))
        not_security_council = bool(NOT_SC_BEFORE.search(before))
        for item in ITEM.finditer(match.group("items")):
            yield from _keyword_item(item, by_assembly, not_security_council, sentence, paragraph)
    for match in COLON_LIST.finditer(sentence):
        if NOT_SC_BEFORE.search(sentence[: match.start()]):
            continue
        for item in COLON_ITEM.finditer(match.group("rest")):
            yield _sc(item.group("number"), item.group("year"), sentence, paragraph)


def _keyword_item(item, by_assembly, not_security_council, sentence, paragraph):
    number, ga_number, paren = item.group("number"), item.group("ga_number"), item.group("paren")
    if ga_number:
        # "resolution 46/182": only the General Assembly numbers its resolutions by session,
        # but the Human Rights Council does too, so the text must say "Assembly".
        if by_assembly and int(number) >= 1 and int(ga_number) >= 1:
            yield ResolutionRef(GA, int(ga_number), int(number), None, sentence, paragraph)
        return
    if by_assembly or not_security_council:
        return  # an old General Assembly resolution ("1514 (XV)") or another body's
    year = None
    if paren:
        if not re.fullmatch(r"\s*(1[94]\d\d|20\d\d)\s*", paren):
            return  # "181 (II)": a General Assembly session in Roman numerals
        year = paren.strip()
    yield _sc(number, year, sentence, paragraph)


def _sc(number, year, sentence, paragraph):
    number = int(number)
    if not 1 <= number <= LATEST_PLAUSIBLE_SC_NUMBER:
        return None
    return ResolutionRef(SC, number, None, int(year) if year else None, sentence, paragraph)
