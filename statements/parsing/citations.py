"""Finding the resolutions and UN documents a statement cites.

Precision matters more than recall: a wrong citation sends a researcher to the wrong place.
A number counts as a Security Council resolution only when the text says "resolution" (or
writes S/RES/...), and a General Assembly one only when it says "Assembly" or A/RES/.
"""

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from .segmentation import split_sentences

SC, GA = "SC", "GA"
LATEST_PLAUSIBLE_SC_NUMBER = 3500

# The last Security Council resolution adopted in each year (1946-2014 from the registry of
# resolutions 1-2215; later years from the UN's lists, rounded up). A statement cannot cite a
# resolution adopted after it was made: in a 1970 General Debate, "resolution 2625" is the
# Assembly's declaration, not a Council resolution (the Council was then at 291).
LAST_SC_RESOLUTION_OF_YEAR = {
    1946: 15,
    1947: 37,
    1948: 66,
    1949: 78,
    1950: 89,
    1951: 96,
    1952: 98,
    1953: 103,
    1954: 105,
    1955: 110,
    1956: 121,
    1957: 126,
    1958: 131,
    1959: 132,
    1960: 160,
    1961: 170,
    1962: 177,
    1963: 185,
    1964: 199,
    1965: 219,
    1966: 232,
    1967: 244,
    1968: 262,
    1969: 275,
    1970: 291,
    1971: 307,
    1972: 324,
    1973: 344,
    1974: 366,
    1975: 384,
    1976: 402,
    1977: 422,
    1978: 443,
    1979: 461,
    1980: 484,
    1981: 499,
    1982: 528,
    1983: 545,
    1984: 559,
    1985: 580,
    1986: 593,
    1987: 606,
    1988: 626,
    1989: 646,
    1990: 683,
    1991: 725,
    1992: 799,
    1993: 892,
    1994: 969,
    1995: 1035,
    1996: 1092,
    1997: 1146,
    1998: 1219,
    1999: 1284,
    2000: 1334,
    2001: 1386,
    2002: 1454,
    2003: 1521,
    2004: 1580,
    2005: 1651,
    2006: 1738,
    2007: 1794,
    2008: 1859,
    2009: 1907,
    2010: 1966,
    2011: 2032,
    2012: 2085,
    2013: 2132,
    2014: 2195,
    2015: 2260,
    2016: 2340,
    2017: 2400,
    2018: 2455,
    2019: 2505,
    2020: 2565,
    2021: 2620,
    2022: 2675,
    2023: 2725,
    2024: 2770,
}


def last_plausible_sc_number(year: int | None) -> int:
    """The highest Security Council resolution number a statement of that year can cite."""
    if year is None:
        return LATEST_PLAUSIBLE_SC_NUMBER
    latest = _LATEST_YEAR_KNOWN
    if year > latest:
        return LAST_SC_RESOLUTION_OF_YEAR[latest] + 70 * (year - latest)
    return LAST_SC_RESOLUTION_OF_YEAR.get(year, LAST_SC_RESOLUTION_OF_YEAR[min(LAST_SC_RESOLUTION_OF_YEAR)])


_LATEST_YEAR_KNOWN = max(LAST_SC_RESOLUTION_OF_YEAR)


def first_year_of_sc_number(number: int) -> int | None:
    """The year Security Council resolution `number` was adopted, as far as the table knows."""
    for year, last in LAST_SC_RESOLUTION_OF_YEAR.items():
        if number <= last:
            return year
    return None


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


YEAR = r"\(\s*(?P<year>194[5-9]|19[5-9]\d|20\d\d)\s*\)"
SC_SYMBOL = re.compile(r"\bS/RES/(?P<number>\d{1,4})(?:\s*" + YEAR + ")?")
GA_SYMBOL = re.compile(r"\bA/RES/(?P<session>\d{1,2})/(?P<number>\d{1,4})\b")

# "resolution 2341", "resolutions 2139 (2014), 2165 (2014) and 2504 (2020)", "res. 2341",
# "resolution No. 598"; the list continues through commas, "and", "or", "as well as". A space
# may follow the slash where a line broke after it (`Resolution 32/ 174`).
NOT_A_NUMBER_AFTER = (
    r"(?!\s*(?:%|per\s*cent|percent|million|billion|years?|months?|days?|weeks?|times|members|countries|States)\b)"
)
LIST_ITEM = (
    r"(?:\d{1,4}/\s?\d{1,4}(?!\d)|\d{1,4}(?![\d/]))(?:\s+[A-D](?=\s*\())?(?:\s*\((?:[^()]{1,12})\))?"
    + NOT_A_NUMBER_AFTER
)
KEYWORD_LIST = re.compile(
    r"\b(?P<keyword>[Rr]esolutions?|[Rr]es\.)\s+(?:[Nn]os?\.\s*)?"
    r"(?P<items>" + LIST_ITEM + r"(?:\s*(?:,|;|\band\b|\bor\b|,\s*and\b|\bas well as\b)\s*" + LIST_ITEM + r")*)"
)
ITEM = re.compile(
    r"(?P<number>\d{1,4})(?:/\s?(?P<ga_number>\d{1,4}))?(?:\s+(?P<letter>[A-D])(?=\s*\())?(?:\s*\((?P<paren>[^()]{1,12})\))?"
)
# A number and the year the Council adopted it, after "resolution" in the sentence, is the
# Council's however it is introduced: "the Security Council resolution of 22 November 1967
# [242 (1967)]", "resolutions, in particular 242 (1967), 338 (1973) and 425 (1978)",
# "three resolutions — 1754 (2007), 1783 (2007) and 1813 (2008)". The Assembly's old
# resolutions written with a year (181 (1947), 1514 (1960)) do not match the Council's table.
RESOLUTION_WORD = re.compile(r"[Rr]esolution")
REGISTERED_PAIR = re.compile(r"(?<![\d/.,])(?P<number>\d{1,4})\s?[({]\s?(?P<year>194[6-9]|19[5-9]\d|20\d\d)\s?\)")
SECURITY_COUNCIL_IN = re.compile(r"\bSecurity\s+Council\b|\bCouncil\b")
ASSEMBLY_IN = re.compile(r"\bAssembly\b")
SMALLEST_UNQUALIFIED_SC_NUMBER = 100

# "two Security Council resolutions on counter-terrorism: 2309 on aviation security and 2322 on ..."
COLON_LIST = re.compile(r"\b[Rr]esolutions\b[^.:;]{0,80}:\s*(?P<rest>[^.;]*)")
COLON_ITEM = re.compile(
    r"(?:^|,|\band\b)\s*(?P<number>\d{3,4})(?:\s*" + YEAR + r")?(?=\s+(?:on|of|concerning|regarding)\b)"
)

NOT_SC_BEFORE = re.compile(
    r"(?:General\s+Assembly|Assembly|Human\s+Rights\s+Council|Economic\s+and\s+Social\s+Council|ECOSOC|"
    r"Conference|Board|Commission|IAEA|WHO|UNESCO)\s*(?:(?!and\b|or\b)\w+\s+){0,2}$"
)
ASSEMBLY_BEFORE = re.compile(r"(?:General\s+)?Assembly\s*(?:\w+\s+){0,2}$")

# Bodies other than the Assembly that number their resolutions by session (the Human Rights
# Council's 41/2, the Commission on Narcotic Drugs' 62/1, a Conference of States Parties' 8/1,
# the Environment Assembly's 4/1) or by year (ECOSOC 2019/12, which the session check drops).
# The body named nearest before a session/number decides; with none before, one named right
# after it as its author ("resolution 41/2 of the Human Rights Council", "resolution 62/1,
# adopted by the Commission on ...") makes it not the Assembly's. A body named further on is
# mostly the resolution's subject ("resolution 60/251, which established the Human Rights
# Council", "resolution 61/16, on the strengthening of the Economic and Social Council"):
# in the whole corpus every session/number such a body followed was the Assembly's (issue 10).
BODY_NAMED = re.compile(
    r"(?P<other>Human\s+Rights\s+Council|\bHRC\b|Economic\s+and\s+Social\s+Council|\bECOSOC\b|"
    r"Commission\s+(?:on|for)\s+[A-Z]|Conference\s+of\s+(?:the\s+)?(?:States\s+)?Parties|General\s+Conference|"
    r"Environment\s+Assembly|\bUNEP\b|Governing\s+Council|World\s+Health\s+Assembly|Assembly\s+of\s+States\s+Parties)"
    r"|(?P<assembly>\bAssembly\b)"
)
AUTHOR_AFTER = re.compile(r"\s*,?\s*(?:(?:which\s+was\s+)?(?:adopted|passed)\s+)?(?:by|of)\s+(?:the\s+|its\s+)?")
AUTHOR_AFTER_CHARS = 40


class _BodiesNamed:
    """The bodies a sentence names (BODY_NAMED), found once a sentence: each number scanning
    the whole sentence again made a sentence thousands of numbers long cost quadratic time."""

    def __init__(self, sentence):
        self.sentence = sentence
        self.matches = list(BODY_NAMED.finditer(sentence))
        self.ends = [match.end() for match in self.matches]
        self.starts = [match.start() for match in self.matches]

    def assemblys(self, start, end):
        """Whether a session/number at sentence[start:end] is the Assembly's: the last body named
        before it decides, else another body named right after it as its author."""
        before = bisect_right(self.ends, start)
        if before:
            return self.matches[before - 1].group("assembly") is not None
        after = bisect_left(self.starts, end)
        if after == len(self.matches) or self.matches[after].group("other") is None:
            return True
        gap = self.starts[after] - end
        return gap > AUTHOR_AFTER_CHARS or not AUTHOR_AFTER.fullmatch(self.sentence, end, self.starts[after])


# The words before a number that say whose it is ("General Assembly resolution", "the Council
# in its resolution"): the patterns anchored at the end of this much of what precedes it.
BEFORE_CHARS = 200


# The Assembly has numbered its resolutions by session since its thirty-first session (1976).
FIRST_SESSION_NUMBERED = 31

# A slash may be followed by a line break or space in the source (`A/HRC/ RES/41/2`, `[A/ 4892]`).
_S = r"/\s?"
# OCR reads the 1 of `Add.1` as l or I.
SUFFIXES = r"(?:" + _S + r"(?:Add|Rev|Corr|Amend)\.\s?(?:\d{1,3}|[lI](?![\w]))(?:\s?-\s?\d{1,3})?)*"
BODY_CODE = r"(?:RES|HRC|INF|CONF\.\s?\d{1,3}|C\.\s?\d|AC\.\s?\d{1,3}|ES-\d{1,2}|S-\d{1,2}|[A-Z]{2,6})"
DOCUMENT_NUMBER = r"(?:(?:(?:L|CRP|SR|WP|PV)\.\s?)?\d{1,4}|[lI](?![\w.]))"
DOCUMENT_SYMBOL = re.compile(
    r"\b(?P<symbol>"
    r"S/PV\.\s?\d{1,5}(?:\s*\((?:Resumption|Part)\s*\d\)|\s*\(Resumption\))?"
    + (r"|S" + _S + r"PRST" + _S + r"\d{4}" + _S + r"\d{1,3}")
    # S/2020/123, and the Council's committees: S/AC.51/2020/5
    + (r"|S" + _S + r"(?:(?:AC\.\d{1,3}|C\.\d|[A-Z]{2,6})" + _S + r")?(?:19[4-9]\d|20\d\d)" + _S + r"\d{1,4}")
    + SUFFIXES
    # The Council's documents before 1994 were numbered without a year: S/1376, S/26571.
    + (r"|S" + _S + r"(?!19[4-9]\d(?!\d)|20[0-3]\d(?!\d))\d{3,5}")
    + SUFFIXES
    # The Assembly's records: A/44/PV.12, A/PV.1487 (before sessions were numbered in symbols).
    + (r"|A" + _S + r"(?:(?:\d{1,2}|E?S-\d{1,2})" + _S + r")?PV\.?\s?\d{1,4}")
    + SUFFIXES
    # A/74/250, A/RES/72/250, A/HRC/RES/41/2, A/CONF.231/3, A/C.3/74/L.12/Rev.1, A/HRC/43/CRP.6
    + (r"|A" + _S + r"(?:" + BODY_CODE + _S + r"){0,3}\d{1,2}\s?" + _S + DOCUMENT_NUMBER)
    + SUFFIXES
    # Bodies that number by year: A/HLPF/2023/L.1 (never A/2020/41, a slip for S/2020/41)
    + (r"|A" + _S + r"(?:" + BODY_CODE + _S + r"){1,3}(?:19|20)\d\d" + _S + DOCUMENT_NUMBER)
    + SUFFIXES
    # Conference documents: A/CONF.223/3
    + (r"|A" + _S + r"CONF\.\d{1,3}" + _S + r"\d{1,4}")
    + SUFFIXES
    # Drafts and summary records without a session: A/L.701, A/C.6/L.850, A/AC.18/SR.15
    + (r"|A" + _S + r"(?:(?:C\.\s?\d|AC\.\s?\d{1,3})" + _S + r")?(?:L|SR)\.\s?\d{1,4}")
    + SUFFIXES
    # A committee's documents before sessions were numbered in symbols: A/C.1/820, A/AC.18/72
    + (r"|A" + _S + r"(?:C\.\s?\d|AC\.\s?\d{1,3})" + _S + r"(?:\d{2,3}|1\d{3})")
    + SUFFIXES
    # The Assembly's documents before 1976 were numbered without a session: A/3324, A/10243.
    # ... the last 1 OCR read as l before a suffix: the annual report's introduction [A/520l/Add.1]
    + (r"|A" + _S + r"(?:\d{3,5}|\d{3,4}[lI](?=" + _S + r"Add\.))")
    + SUFFIXES
    + r"|(?P<slipped>A[/Il1fj](?P<session>\d{2})[/Il1](?P<number>\d{1,3}))"
    + SUFFIXES
    # OCR reads the closing bracket as J: [A/31/242J.
    + r")(?:(?![\w/])|(?=J(?![\w/])))"
)
OPENS_A_REFERENCE = re.compile(r"(?:[(\[]|\bsee\s|\bin\s|\bdocument\s|\bcontained\s)\s*$", re.IGNORECASE)
SESSION_SYMBOL = re.compile(r"A/(?P<session>\d{1,2})/")


def find_citations(
    paragraphs, year: int | None = None, own_symbols: tuple[str, ...] = ()
) -> tuple[tuple[ResolutionRef, ...], tuple[SymbolRef, ...]]:
    """All resolutions and document symbols cited, each once, with the first sentence citing it.

    `year` is the statement's year when known: Security Council numbers it could not yet
    have cited are not taken for Council resolutions, nor Assembly sessions yet to come.
    `own_symbols` are the record the statement is printed in: a record does not cite itself,
    so its symbol (a running head the furniture left) is never a citation.
    """
    resolutions: dict[tuple, ResolutionRef] = {}
    symbols: dict[str, SymbolRef] = {}
    for ref in citation_mentions(paragraphs, year, own_symbols):
        if isinstance(ref, ResolutionRef):
            resolutions.setdefault(ref.key, ref)
        else:
            symbols.setdefault(ref.symbol, ref)
    return tuple(resolutions.values()), tuple(symbols.values())


def citation_mentions(paragraphs, year: int | None = None, own_symbols: tuple[str, ...] = ()):
    """Every place the text cites a resolution (ResolutionRef) or a document (SymbolRef), in
    reading order, a resolution cited three times yielded three times; see find_citations."""
    # Exactly the record's own symbol: a resumed meeting's record cites its first part (see S/PV.8699).
    own = {normalise_symbol(symbol) for symbol in own_symbols if "/" in symbol}
    for index, paragraph in enumerate(paragraphs):
        if not _MAY_CITE.search(paragraph):
            continue
        for _, sentence in split_sentences(paragraph):
            if not _MAY_CITE.search(sentence):
                continue
            yield from resolutions_in(sentence, index, year)
            for match in DOCUMENT_SYMBOL.finditer(sentence):
                symbol = _read_slipped_slash(match, year) if match.group("slipped") else match.group("symbol")
                if symbol is None:
                    continue
                symbol = normalise_symbol(symbol)
                if symbol.startswith("A/RES/") or symbol in own:
                    continue
                if _is_running_head(symbol, sentence[: match.start()], sentence[match.end() :], year):
                    continue
                yield SymbolRef(symbol, sentence, index)


def _read_slipped_slash(match, year):
    """`AI31/197`, `A/311197`, `Al361534`: an Assembly symbol whose slash OCR read as I, l, 1,
    f or j (the 1976-1982 debates hold some sixty), as the UN wrote it, or None when unsure.

    With the first slash slipped, the session is any the Assembly had numbered documents by.
    With the second, only the debate's own session: its documents were then still below 1000,
    so `A/311197` in 1976 can only be A/31/197.
    """
    written = match.group("slipped")
    session, number = int(match.group("session")), int(match.group("number"))
    if year is None or not FIRST_SESSION_NUMBERED <= session <= year - 1945:
        return None
    if written[4] != "/" and session != year - 1945:
        return None
    return f"A/{session}/{number}" + match.group("symbol")[len(written) :]


def _is_running_head(symbol, before, after, year):
    """A General Debate text's own record (A/70/PV.22) or document printed in its page heads.

    Speakers cite other documents of the session they speak in too, but in brackets or after
    "see" or "document"; a bare record symbol of that session, or a document symbol standing
    between two words (`initiated by the A/65/397 United Nations`), is the page's head.
    """
    own_session = SESSION_SYMBOL.match(symbol)
    if not own_session or year is None or OPENS_A_REFERENCE.search(before):
        return False
    if int(own_session.group("session")) not in (year - 1945, year - 1946):
        return False
    return "/PV." in symbol or bool(re.match(r"\s+[A-Za-z]", after))


# Most paragraphs cite nothing; this quick test spares them the sentence splitting.
_MAY_CITE = re.compile(r"[Rr]esolution|[Rr]es\.|[AS]/")
SUFFIX_CASE = re.compile(r"\b(ADD|REV|CORR|AMEND)\.")
SUFFIX_END = re.compile(r"(?:Add|Rev|Corr|Amend)\.[LI]$")


def normalise_symbol(symbol: str) -> str:
    """The symbol as the UN writes it: `A/HRC/ RES/41/2` -> `A/HRC/RES/41/2`, `s/2020/1 add.1` -> `S/2020/1/Add.1`."""
    symbol = re.sub(r"\s+", " ", symbol.strip().upper())
    symbol = re.sub(r"(?<=[/.])\s|\s(?=/)", "", symbol)
    symbol = re.sub(r"^(A/\d{1,2}/)[LI](?=/|$)", r"\g<1>1", symbol)  # the report A/50/1 OCR read as A/50/l
    symbol = re.sub(r"^(A/\d{3,4})[LI](?=/)", r"\g<1>1", symbol)
    symbol = re.sub(r"/PV(?=\d)", "/PV.", symbol)
    symbol = symbol.replace("RESUMPTION", "Resumption").replace("PART", "Part")
    symbol = SUFFIX_CASE.sub(lambda match: match.group(1).capitalize() + ".", symbol)
    symbol = re.sub(r"(?<=\.)[LI]$", "1", symbol) if SUFFIX_END.search(symbol) else symbol
    return re.sub(r"\s*\(", " (", symbol)


def resolutions_in(sentence: str, paragraph: int = 0, year: int | None = None):
    """Yield the resolutions one sentence cites."""
    latest = last_plausible_sc_number(year)
    return (
        ref
        for ref in _candidates(sentence, paragraph, year)
        if ref is not None and (ref.body == GA or ref.number <= latest)
    )


def _candidates(sentence, paragraph, year=None):
    # What concerns the whole sentence is read once, not once for each number in it.
    assembly_named = bool(ASSEMBLY_IN.search(sentence))
    council_named = bool(SECURITY_COUNCIL_IN.search(sentence))
    bodies = None
    keyword_ends = {}  # where each "resolution(s) <list>" starts: its end
    for match in SC_SYMBOL.finditer(sentence):
        yield _sc(match.group("number"), match.group("year"), sentence, paragraph)
    for match in GA_SYMBOL.finditer(sentence):
        yield ResolutionRef(GA, int(match.group("number")), int(match.group("session")), None, sentence, paragraph)
    for match in KEYWORD_LIST.finditer(sentence):
        keyword_ends[match.start()] = match.end()
        before = sentence[max(0, match.start() - BEFORE_CHARS) : match.start()]
        if before.rstrip().endswith("/") or sentence[match.start() - 4 : match.start()] == "RES/":
            continue
        by_assembly = bool(ASSEMBLY_BEFORE.search(before))
        not_security_council = bool(NOT_SC_BEFORE.search(before))
        # A sentence about the Assembly that never names the Council: an unqualified number
        # may be either body's ("resolution 1514"), so it is left out.
        ambiguous = assembly_named and not council_named
        if bodies is None:
            bodies = _BodiesNamed(sentence)
        items = list(ITEM.finditer(match.group("items")))
        some_have_years = any(item.group("paren") for item in items)
        for item in items:
            if some_have_years and not item.group("paren") and not item.group("ga_number"):
                continue  # "resolution 2532 (2020), 190 of whose ...": a list gives every year or none
            yield from _keyword_item(
                item,
                by_assembly,
                not_security_council,
                ambiguous,
                council_named,
                sentence,
                paragraph,
                year,
                bodies.assemblys(match.start(), match.end()),
            )
    for match in COLON_LIST.finditer(sentence):
        if NOT_SC_BEFORE.search(sentence[max(0, match.start() - BEFORE_CHARS) : match.start()]):
            continue
        for item in COLON_ITEM.finditer(match.group("rest")):
            yield _sc(item.group("number"), item.group("year"), sentence, paragraph)
    first_keyword = RESOLUTION_WORD.search(sentence)
    if first_keyword:
        # The numbers of a "resolution(s) <list>" were read, or ruled out, above.
        lists = iter(sorted(keyword_ends.items()))
        current = next(lists, None)
        for match in REGISTERED_PAIR.finditer(sentence, first_keyword.end()):
            while current and current[1] <= match.start():
                current = next(lists, None)
            if current and current[0] <= match.start():
                continue
            number, year = int(match.group("number")), int(match.group("year"))
            if first_year_of_sc_number(number) in (year, year - 1):
                yield _sc(number, year, sentence, paragraph)


def _keyword_item(
    item, by_assembly, not_security_council, ambiguous, council_named, sentence, paragraph, year=None, assemblys=False
):
    number, ga_number, paren = item.group("number"), item.group("ga_number"), item.group("paren")
    if ga_number:
        # "resolution 46/182": a session and number are the Assembly's, unless the sentence
        # names another body that numbers by session (the Human Rights Council) and not the
        # Assembly just before; sessions before the 31st or yet to come are no Assembly's.
        session, ga_number = int(number), int(ga_number)
        if not FIRST_SESSION_NUMBERED <= session <= _latest_session(year) or ga_number < 1:
            return
        if assemblys:
            yield ResolutionRef(GA, ga_number, session, None, sentence, paragraph)
        return
    if by_assembly or not_security_council or item.group("letter"):
        return  # an old General Assembly resolution ("1514 (XV)", "377 A (V)") or another body's
    year = None
    if paren:
        if not re.fullmatch(r"\s*(194[5-9]|19[5-9]\d|20\d\d)\s*", paren):
            return  # "181 (II)": a General Assembly session in Roman numerals
        year = paren.strip()
    elif ambiguous:
        return
    elif int(number) < SMALLEST_UNQUALIFIED_SC_NUMBER and not council_named:
        return  # "resolution 5" is more often another body's than the Council's of 1946
    yield _sc(number, year, sentence, paragraph)


def _latest_session(year):
    """The last Assembly session a statement of that year can cite (the session opens in September)."""
    return year - 1945 if year else 99


def _sc(number, year, sentence, paragraph):
    number = int(number)
    if not 1 <= number <= LATEST_PLAUSIBLE_SC_NUMBER:
        return None
    return ResolutionRef(SC, number, None, int(year) if year else None, sentence, paragraph)
