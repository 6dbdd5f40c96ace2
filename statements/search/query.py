"""The query language: a query as typed, read into clauses, and what a search asks and answers.

A query is read into clauses (issue 3): words and "phrases" go to the stemmed text, `word*` is a
prefix (the stemmed terms starting with it), `-word` excludes, and resolution numbers and UN document symbols in any of the forms people write them
(`2341`, `res. 2341`, `S/RES/2341 (2017)`, `A/RES/60/288`, `S/PV.7750`) go to the exact
`resolution` and `symbol` fields, never through the stemmer. Nothing here knows an engine.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from whoosh.analysis import StemmingAnalyzer

from ..keys import GA, SC, resolution_key, symbol_key

RESULTS_PER_PAGE = 20
FACET_FIELDS = ("speaker", "country", "forum", "year", "resolution")
# Selecting two resolutions finds statements citing both; the other fields hold one value a
# statement, so two selected values there mean either (a statement has one speaker).
ALL_SELECTED_REQUIRED = frozenset({"resolution"})
FACET_LIMIT = 20
EVERY_VALUE_FACETS = ("year",)

ANALYZER = StemmingAnalyzer()  # the analyzer haystack gives the Whoosh text field


_SC_YEAR = r"(?:\s*\(\s*\d{4}\s*\))?"
_RES_WORD = r"(?:resolutions?|res\.?)\s*(?:no\.?\s*)?"
REFERENCE = re.compile(
    r"(?<![\w/.-])(?P<neg>-)?(?:"
    r"A/RES/(?P<ga_session>\d{1,3})/(?P<ga_number>\d{1,4})"
    r"|S/RES/\s*(?P<sc_number>\d{1,4})"
    + _SC_YEAR
    + r"|(?:general\s+)?(?:assembly\s+)?"
    + _RES_WORD
    + r"(?P<ga_session2>\d{1,3})/(?P<ga_number2>\d{1,4})"
    r"|(?:security\s+council\s+)?"
    + _RES_WORD
    + r"(?P<sc_number2>\d{1,4})"
    + _SC_YEAR
    + r"|(?P<symbol>[A-Z]{1,6}/[A-Z0-9./-]*\d[A-Z0-9./-]*(?:\s*\((?:resumption|part)\s*\d{0,2}\))?)"
    r")(?![\w/])",
    re.IGNORECASE,
)
# A query that is only a number is a resolution: 2341, or 46/182 for the General Assembly.
BARE_SC_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
BARE_GA_NUMBER = re.compile(r"^\s*(\d{1,3})/(\d{1,4})\s*$")
# A prefix of two letters matched 1,355 of the 53,777 terms of the whole corpus (`co*`), nearly
# every statement; three letters at most 489 (`con*`), a search still worth reading.
MIN_PREFIX_LETTERS = 3
TEXT_TOKEN = re.compile(r'(?P<neg>-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


@dataclass(frozen=True)
class Clause:
    """One part of a query: a word, a phrase, a prefix (`japan` for japan*), a resolution key
    (sc-2341) or a symbol key."""

    kind: str
    value: str
    negated: bool = False


@dataclass(frozen=True)
class StarDropped:
    """A word typed with a star that is not read as a prefix: `typed` was searched as `searched`,
    because only a trailing star is read, or (too_short) the prefix has too few letters."""

    typed: str
    searched: str
    too_short: bool = False


@dataclass(frozen=True)
class Prefix:
    """What a prefix clause matches among stemmed terms: those starting with it, and the stem of
    the prefix read as a word, so that japanese* finds "Japanese" (indexed as japanes) and
    policy* finds "policies" (polici)."""

    start: str
    stems: frozenset

    def matches(self, term):
        return term.startswith(self.start) or term in self.stems


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    clauses: tuple[Clause, ...] = ()
    dropped_stars: tuple[StarDropped, ...] = field(default=(), compare=False)

    def __bool__(self):
        return bool(self.clauses)

    def values(self, kind, negated=False):
        return [c.value for c in self.clauses if c.kind == kind and c.negated == negated]

    @property
    def term_count(self):
        return sum(len(c.value.split()) if c.kind == "phrase" else 1 for c in self.clauses)

    @property
    def prefix_count(self):
        return sum(c.kind == "prefix" for c in self.clauses)

    @property
    def has_text(self):
        return any(c.kind in ("word", "phrase", "prefix") for c in self.clauses)


def parse_query(text: str) -> ParsedQuery:
    """Read a query as typed into clauses; resolution numbers and symbols become exact keys."""
    text = " ".join(text.split())
    for pattern, make_key in (
        (BARE_SC_NUMBER, lambda m: resolution_key(SC, None, int(m[1]))),
        (BARE_GA_NUMBER, lambda m: resolution_key(GA, int(m[1]), int(m[2]))),
    ):
        if match := pattern.match(text):
            return ParsedQuery(text, (Clause("resolution", make_key(match)),))
    clauses, dropped = [], []
    for match in REFERENCE.finditer(text):
        clauses.append(_reference_clause(match))
    rest = REFERENCE.sub(" ", text)
    for match in TEXT_TOKEN.finditer(rest):
        negated = bool(match["neg"])
        if match["phrase"] is not None:
            phrase = " ".join(match["phrase"].split())
            if phrase:
                clauses.append(Clause("phrase", phrase, negated))
        elif any(char.isalnum() for char in match["word"]):
            clause, dropped_star = _word_clause(match["word"], negated)
            clauses.append(clause)
            if dropped_star:
                dropped.append(dropped_star)
    return ParsedQuery(text, tuple(clauses), tuple(dropped))


def _word_clause(word, negated):
    """A word, or a prefix when it ends with a star; stars elsewhere are dropped (*japan is
    searched as japan), as is the star of a prefix shorter than MIN_PREFIX_LETTERS. With the
    StarDropped saying so, or None."""
    if "*" not in word:
        return Clause("word", word, negated), None
    sign = "-" if negated else ""
    bare = word.replace("*", "")
    start = re.sub(r"^\W+|\W+$", "", bare).lower()
    if word.endswith("*") and re.fullmatch(r"\w+", start):
        if len(start) < MIN_PREFIX_LETTERS:
            return Clause("word", bare, negated), StarDropped(sign + word, sign + bare, too_short=True)
        clause = Clause("prefix", start, negated)
        return clause, StarDropped(sign + word, f"{sign}{bare}*") if "*" in word[:-1] else None
    return Clause("word", bare, negated), StarDropped(sign + word, sign + bare)


def read_prefix(value):
    """The Prefix a prefix clause's value matches."""
    return Prefix(value, frozenset(stemmed_terms(value)))


def _reference_clause(match):
    negated = bool(match["neg"])
    if match["symbol"]:
        return Clause("symbol", symbol_key(match["symbol"]).rstrip("."), negated)
    if session := match["ga_session"] or match["ga_session2"]:
        number = match["ga_number"] or match["ga_number2"]
        return Clause("resolution", resolution_key(GA, int(session), int(number)), negated)
    return Clause("resolution", resolution_key(SC, None, int(match["sc_number"] or match["sc_number2"])), negated)


def stemmed_terms(text):
    return [token.text for token in ANALYZER(text)]


@dataclass
class SearchRequest:
    query: ParsedQuery
    selected: dict = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = RESULTS_PER_PAGE
    # Which facets to count, and how many values of each (None: all, as trends count every year).
    facets: tuple = FACET_FIELDS
    facet_limit: int | None = FACET_LIMIT

    @property
    def offset(self):
        return (self.page - 1) * self.per_page

    def limit_for(self, name):
        """How many values of this facet to count: every year, for the year chart, which counted
        only the 20 most frequent years ("615 statements from 1956 to 2020" of 1,255 found)."""
        return None if name in EVERY_VALUE_FACETS else self.facet_limit


@dataclass
class SearchOutcome:
    total: int
    pks: list
    facets: dict
    suggestion: str | None = None


class SearchUnavailable(Exception):
    """The engine cannot answer (a damaged or missing index, an unreachable server): 503."""
