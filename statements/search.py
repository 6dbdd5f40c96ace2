"""Searching statements: reading a query, running it, and the /search/ page.

A query is read into clauses (issue 3): words and "phrases" go to the stemmed text,
`-word` excludes, and resolution numbers and UN document symbols in any of the forms people
write them (`2341`, `res. 2341`, `S/RES/2341 (2017)`, `A/RES/60/288`, `S/PV.7750`) go to the
exact `resolution` and `symbol` fields, never through the stemmer.

On Whoosh the query runs on the index directly through one cached searcher: haystack's
SearchQuerySet reopens readers several times a search, searches twice a page and counts
facets in Python on every request (issue 4 measured 1.5 s a page at 4,000 statements). Any
other haystack engine (HAYSTACK_URL=elasticsearch7://..., solr://...) goes through
SearchQuerySet, which does this well there.

Snippets are built here from the database text, escaped first and then marked, never with
haystack's {% highlight %} tag, which lets `<img src=x onerror=...` through (issue 5).
"""

import logging
import os
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain, islice

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import StemmingAnalyzer
from whoosh.util.times import datetime_to_long

from .search_indexes import resolution_key, symbol_key

logger = logging.getLogger(__name__)

RESULTS_PER_PAGE = 20
FACET_FIELDS = ("speaker", "country", "forum", "year", "resolution")
# Selecting two resolutions finds statements citing both; the other fields hold one value a
# statement, so two selected values there mean either (a statement has one speaker).
ALL_SELECTED_REQUIRED = frozenset({"resolution"})
FACET_LIMIT = 30

ANALYZER = StemmingAnalyzer()  # the analyzer haystack gives the Whoosh text field

# ---------------------------------------------------------------- reading a query

_SC_YEAR = r"(?:\s*\(\s*\d{4}\s*\))?"
_RES_WORD = r"(?:resolutions?|res\.?)\s*(?:no\.?\s*)?"
REFERENCE = re.compile(
    r"(?<![\w/.-])(?P<neg>-)?(?:"
    r"A/RES/(?P<ga_session>\d{1,3})/(?P<ga_number>\d{1,4})"
    r"|S/RES/\s*(?P<sc_number>\d{1,4})" + _SC_YEAR
    + r"|(?:general\s+)?(?:assembly\s+)?" + _RES_WORD + r"(?P<ga_session2>\d{1,3})/(?P<ga_number2>\d{1,4})"
    r"|(?:security\s+council\s+)?" + _RES_WORD + r"(?P<sc_number2>\d{1,4})" + _SC_YEAR
    + r"|(?P<symbol>[A-Z]{1,6}/[A-Z0-9./-]*\d[A-Z0-9./-]*(?:\s*\((?:resumption|part)\s*\d{0,2}\))?)"
    r")(?![\w/])",
    re.IGNORECASE,
)
# A query that is only a number is a resolution: 2341, or 46/182 for the General Assembly.
BARE_SC_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
BARE_GA_NUMBER = re.compile(r"^\s*(\d{1,3})/(\d{1,4})\s*$")
TEXT_TOKEN = re.compile(r'(?P<neg>-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


class QueryError(ValueError):
    """The query cannot be searched as written; the message says why, for the person."""


@dataclass(frozen=True)
class Clause:
    """One part of a query: a word, a phrase, a resolution key (sc-2341) or a symbol key."""

    kind: str
    value: str
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    clauses: tuple[Clause, ...] = ()

    def __bool__(self):
        return bool(self.clauses)

    def values(self, kind, negated=False):
        return [c.value for c in self.clauses if c.kind == kind and c.negated == negated]

    @property
    def term_count(self):
        return sum(len(c.value.split()) if c.kind == "phrase" else 1 for c in self.clauses)

    @property
    def has_text(self):
        return any(c.kind in ("word", "phrase") for c in self.clauses)


def parse_query(text: str) -> ParsedQuery:
    """Read a query as typed into clauses; resolution numbers and symbols become exact keys."""
    text = " ".join(text.split())
    for pattern, make_key in ((BARE_SC_NUMBER, lambda m: f"sc-{int(m[1])}"),
                              (BARE_GA_NUMBER, lambda m: f"ga-{int(m[1])}-{int(m[2])}")):
        if match := pattern.match(text):
            return ParsedQuery(text, (Clause("resolution", make_key(match)),))
    clauses = []
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
            clauses.append(Clause("word", match["word"], negated))
    return ParsedQuery(text, tuple(clauses))


def _reference_clause(match):
    negated = bool(match["neg"])
    if match["symbol"]:
        return Clause("symbol", symbol_key(match["symbol"]).rstrip("."), negated)
    if session := match["ga_session"] or match["ga_session2"]:
        number = match["ga_number"] or match["ga_number2"]
        return Clause("resolution", resolution_key("GA", int(session), int(number)), negated)
    return Clause("resolution", resolution_key("SC", None, int(match["sc_number"] or match["sc_number2"])), negated)


def stemmed_terms(text):
    return [token.text for token in ANALYZER(text)]


# ---------------------------------------------------------------- running a search


@dataclass
class SearchRequest:
    query: ParsedQuery
    selected: dict = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = RESULTS_PER_PAGE

    @property
    def offset(self):
        return (self.page - 1) * self.per_page


@dataclass
class SearchOutcome:
    total: int
    pks: list
    facets: dict
    suggestion: str | None = None


class SearchUnavailable(Exception):
    """The index cannot be read (damaged or missing files); the page answers 503."""


class WhooshSearch:
    """Searches the Whoosh index haystack writes, through one searcher kept open and refreshed.

    Searches in one process take turns on the searcher (Whoosh readers share file positions);
    run more worker processes for more searches at once.
    """

    def __init__(self, path):
        self.path = path
        self._lock = threading.Lock()
        self._searcher = None
        self._identity = None
        self._cache = None

    def run(self, request: SearchRequest) -> SearchOutcome:
        with self._lock:
            searcher = self._current_searcher()
            if searcher is None:
                return SearchOutcome(0, [], {})
            cache = self._cache
            q = self._whoosh_query(request.query)
            matched = cache.all_docs if q is None else frozenset(searcher.docs_for_query(q))
            narrowing = self._narrowing_sets(searcher, cache, request)
            found = _intersect(matched, narrowing.values())
            facets = {}
            for name in FACET_FIELDS:
                counted = found
                if name in narrowing and name not in ALL_SELECTED_REQUIRED:
                    counted = _intersect(matched, (s for key, s in narrowing.items() if key != name))
                facets[name] = cache.count(name, counted, request.selected.get(name, ()))
            docnums = self._page(searcher, cache, q, found, request, narrowed=found is not matched)
            pks = [int(searcher.stored_fields(docnum)["django_id"]) for docnum in docnums]
            suggestion = self._suggest(searcher, request.query) if not found and request.query.has_text else None
        return SearchOutcome(len(found), pks, facets, suggestion)

    def _current_searcher(self):
        try:
            stat = os.stat(self.path)
            identity = (stat.st_dev, stat.st_ino)
            if self._searcher is not None and identity == self._identity:
                fresh = self._searcher.refresh()
            else:
                if not whoosh_index.exists_in(self.path):
                    return None
                fresh = whoosh_index.open_dir(self.path).searcher()
        except FileNotFoundError:
            return None
        except Exception as error:
            logger.exception("the search index at %s cannot be read", self.path)
            raise SearchUnavailable(str(error)) from error
        if fresh is not self._searcher:
            # refresh() hands on the segment readers it reuses and closes the rest itself;
            # only a searcher over a replaced folder is closed here.
            if self._searcher is not None and identity != self._identity:
                self._searcher.close()
            self._searcher, self._identity = fresh, identity
            self._cache = IndexCache(fresh)
        return fresh

    def _whoosh_query(self, parsed):
        """The Whoosh query for the clauses; None when nothing narrows (all statements)."""
        required, excluded = [], []
        for clause in parsed.clauses:
            if clause.kind in ("resolution", "symbol"):
                part = wq.Term(clause.kind, clause.value)
            else:
                terms = stemmed_terms(clause.value)
                if not terms:
                    continue  # only very common words ("the", "of"): nothing to require
                part = wq.Term("text", terms[0]) if len(terms) == 1 else wq.Phrase("text", terms)
            (excluded if clause.negated else required).append(part)
        if not required and not excluded:
            return None
        if not required:
            required = [wq.Every()]
        return wq.And(required + [wq.Not(part) for part in excluded])

    def _narrowing_sets(self, searcher, cache, request):
        sets = {}
        for name, keys in request.selected.items():
            if keys:
                docsets = [cache.docs_with(searcher, name, key) for key in keys]
                sets[name] = _intersect(docsets[0], docsets[1:]) if name in ALL_SELECTED_REQUIRED else frozenset().union(*docsets)
        if request.date_from or request.date_to:
            sets["date"] = cache.docs_between(request.date_from, request.date_to)
        return sets

    def _page(self, searcher, cache, q, found, request, narrowed):
        start, end = request.offset, request.offset + request.per_page
        if start >= len(found):
            return []
        if request.sort == "relevance" and q is not None:
            # Unfiltered, Whoosh can skip blocks that cannot reach the top of the page.
            hits = searcher.search(q, filter=set(found) if narrowed else None, limit=end)
            return [hit.docnum for hit in hits[start:end]]
        order = cache.newest_first if request.sort != "oldest" else cache.oldest_first
        return list(islice((docnum for docnum in order if docnum in found), start, end))

    def _suggest(self, searcher, parsed):
        """A corrected query when nothing was found: each unknown word replaced by the nearest
        word in the index, offered only if the corrected query finds something."""
        corrector = searcher.corrector("text")
        text, changed = parsed.text, False
        for word in parsed.values("word"):
            word = re.sub(r"^\W+|\W+$", "", word)
            terms = stemmed_terms(word)
            if len(terms) != 1 or searcher.doc_frequency("text", terms[0]):
                continue
            suggestions = corrector.suggest(word.lower(), limit=1, maxdist=2, prefix=1)
            if suggestions:
                text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", lambda _match: suggestions[0], text, count=1)
                changed = True
        if not changed:
            return None
        q = self._whoosh_query(parse_query(text))
        return text if q is not None and any(True for _ in searcher.docs_for_query(q)) else None


def _intersect(first, others):
    result = first
    for other in sorted(others, key=len):
        result = result & other
    return result


class IndexCache:
    """What one searcher's readers hold that every search needs, read once: the facet keys of
    each document, dates, and the newest-first order. Rebuilt when the index changes."""

    def __init__(self, searcher):
        self.doc_count = searcher.doc_count_all()
        self.all_docs = frozenset(searcher.reader().all_doc_ids())
        self.keys = {name: self._keys_by_doc(searcher, name) for name in FACET_FIELDS}
        self.dates = self._dates(searcher)
        self._orders = {}
        self._unfiltered_counts = {}

    def _keys_by_doc(self, searcher, name):
        keys = [()] * self.doc_count
        reader = searcher.reader()
        if name not in searcher.schema:
            return keys
        for btext in reader.lexicon(name):
            key = btext.decode("utf-8")
            for docnum in reader.postings(name, btext).all_ids():
                keys[docnum] = keys[docnum] + (key,)
        return keys

    def _dates(self, searcher):
        """Each document's date as Whoosh stores it (a long), or None."""
        dates = []
        for reader, _offset in searcher.reader().leaf_readers():
            count = reader.doc_count_all()
            if "date" in reader.schema and reader.has_column("date"):
                column = reader.column_reader("date", translate=False)
                default = reader.schema["date"].column_type.default_value()
                dates.extend(value if value != default else None for value in column)
            else:
                dates.extend([None] * count)
        return dates

    def docs_with(self, searcher, name, key):
        if name not in searcher.schema:
            return frozenset()
        return frozenset(searcher.reader().postings(name, key).all_ids()) if searcher.reader().doc_frequency(name, key) else frozenset()

    def docs_between(self, start, end):
        low = datetime_to_long(datetime.combine(start, time())) if start else None
        high = datetime_to_long(datetime.combine(end + timedelta(days=1), time())) if end else None
        return frozenset(
            docnum
            for docnum, value in enumerate(self.dates)
            if value is not None and (low is None or value >= low) and (high is None or value < high)
        )

    @property
    def newest_first(self):
        return self._order(newest=True)

    @property
    def oldest_first(self):
        return self._order(newest=False)

    def _order(self, newest):
        """Dated statements newest (or oldest) first, then the undated; later imports first on a tie."""
        if newest not in self._orders:
            dated = [(value, docnum) for docnum, value in enumerate(self.dates) if value is not None]
            dated.sort(key=lambda pair: (pair[0] if newest else -pair[0], pair[1]), reverse=True)
            undated = sorted((d for d, value in enumerate(self.dates) if value is None), reverse=True)
            self._orders[newest] = [docnum for _value, docnum in dated] + undated
        return self._orders[newest]

    def count(self, name, docs, selected=()):
        """The most frequent keys among these documents, with the selected ones always included."""
        unfiltered = docs is self.all_docs
        if unfiltered and name in self._unfiltered_counts:
            counts = self._unfiltered_counts[name]
        else:
            keys = self.keys[name]
            counts = Counter(chain.from_iterable(map(keys.__getitem__, docs)))
            if unfiltered:
                self._unfiltered_counts[name] = counts
        top = counts.most_common(FACET_LIMIT)
        shown = {key for key, _count in top}
        return top + [(key, counts.get(key, 0)) for key in selected if key not in shown]


class HaystackSearch:
    """The same search through haystack's SearchQuerySet, for Elasticsearch or Solr."""

    def run(self, request: SearchRequest) -> SearchOutcome:
        from haystack.inputs import Clean, Exact
        from haystack.query import SearchQuerySet

        from .models import Statement

        sqs = SearchQuerySet().models(Statement)
        for clause in request.query.clauses:
            if clause.kind in ("resolution", "symbol"):
                condition = {clause.kind: Exact(clause.value)}
            else:
                if not stemmed_terms(clause.value):
                    continue
                condition = {"content": Exact(clause.value) if clause.kind == "phrase" else Clean(clause.value)}
            sqs = sqs.exclude(**condition) if clause.negated else sqs.filter(**condition)
        for name, keys in request.selected.items():
            if name in ALL_SELECTED_REQUIRED:
                for key in keys:
                    sqs = sqs.filter(**{name: Exact(key)})
            elif keys:
                sqs = sqs.filter(**{f"{name}__in": list(keys)})
        if request.date_from:
            sqs = sqs.filter(date__gte=request.date_from)
        if request.date_to:
            sqs = sqs.filter(date__lt=request.date_to + timedelta(days=1))
        if request.sort != "relevance" or not request.query:
            sqs = sqs.order_by("date" if request.sort == "oldest" else "-date")
        for name in FACET_FIELDS:
            sqs = sqs.facet(name, limit=FACET_LIMIT, mincount=1)
        page = sqs[request.offset : request.offset + request.per_page]
        counts = sqs.facet_counts().get("fields", {})
        facets = {name: [(str(key), count) for key, count in counts.get(name, [])] for name in FACET_FIELDS}
        return SearchOutcome(sqs.count(), [int(result.pk) for result in page], facets)


_engines = {}


def search_engine():
    """The direct Whoosh search when haystack uses Whoosh, haystack's own search otherwise."""
    connection = settings.HAYSTACK_CONNECTIONS["default"]
    if connection["ENGINE"] != "haystack.backends.whoosh_backend.WhooshEngine":
        return HaystackSearch()
    path = connection["PATH"]
    if path not in _engines:
        _engines[path] = WhooshSearch(path)
    return _engines[path]


# ---------------------------------------------------------------- snippets

SNIPPET_CHARS = 300
SCAN_CHARS = 200_000  # how far into a statement to look for a matched word
MAX_CANDIDATES = 200


@dataclass(frozen=True)
class Snippet:
    """A window of a statement's text, escaped, with the matched words in <mark>."""

    html: str
    start: int
    end: int
    length: int

    @property
    def starts_mid_text(self):
        return self.start > 0

    @property
    def ends_mid_text(self):
        return self.end < self.length


class Highlighter:
    """Finds where a statement matches a query and marks it; cost bounded whatever the text."""

    def __init__(self, parsed: ParsedQuery):
        self.terms = set()
        prefixes = set()
        exact = []
        for clause in parsed.clauses:
            if clause.negated:
                continue
            if clause.kind == "resolution":
                exact.append(_resolution_pattern(clause.value))
            elif clause.kind == "symbol":
                exact.append(r"\s*".join(re.escape(char) for char in clause.value))
            else:
                for word in clause.value.split():
                    for token in ANALYZER(word):
                        self.terms.add(token.text)
                        prefixes.add(_common_prefix(word.lower(), token.text))
        self.exact = re.compile("|".join(exact), re.IGNORECASE) if exact else None
        words = sorted((p for p in prefixes if p), key=len, reverse=True)
        self.candidates = re.compile(r"\b(?:%s)\w*" % "|".join(map(re.escape, words)), re.IGNORECASE) if words else None

    def snippet(self, text: str, width: int = SNIPPET_CHARS) -> Snippet:
        hits = self._hits(text[:SCAN_CHARS])
        anchor = self._best_anchor(hits, width) if hits else 0
        start = max(0, min(anchor - width // 4, len(text) - width))
        start = _word_start(text, start) if start else 0
        end = _word_end(text, min(len(text), start + width))
        window = text[start:end]
        parts, position = [], 0
        for hit_start, hit_end in self._hits(window):
            if hit_start < position:
                continue
            parts.append(escape(window[position:hit_start]))
            parts.append(f"<mark>{escape(window[hit_start:hit_end])}</mark>")
            position = hit_end
        parts.append(escape(window[position:]))
        return Snippet(mark_safe("".join(parts)), start, end, len(text))

    def _hits(self, text):
        """(start, end) of matched words, in order; at most MAX_CANDIDATES looked at."""
        hits = []
        if self.exact:
            hits.extend(m.span() for m in islice(self.exact.finditer(text), MAX_CANDIDATES))
        if self.candidates:
            for match in islice(self.candidates.finditer(text), MAX_CANDIDATES):
                for token in ANALYZER(match.group(), chars=True):
                    if token.text in self.terms:
                        hits.append((match.start() + token.startchar, match.start() + token.endchar))
        return sorted(hits)

    def _best_anchor(self, hits, width):
        """The hit starting the window that holds the most matches."""
        best, best_count = hits[0][0], 0
        for index, (hit_start, _end) in enumerate(hits):
            count = sum(1 for other, _ in hits[index:] if other < hit_start + width * 3 // 4)
            if count > best_count:
                best, best_count = hit_start, count
        return best


def _resolution_pattern(key):
    parts = key.split("-")
    if parts[0] == "ga":
        return rf"(?<![\d/]){parts[1]}/{parts[2]}(?![\d/])"
    return rf"(?<![\d/.]){parts[1]}(?![\d/])"


def _common_prefix(word, stem):
    size = 0
    for a, b in zip(word, stem):
        if a != b:
            break
        size += 1
    return word[: max(size, 2)] if size >= 2 else stem


def _word_start(text, position):
    space = text.rfind(" ", max(0, position - 20), position)
    return space + 1 if space != -1 else position


def _word_end(text, position):
    space = text.find(" ", position, position + 20)
    return space if space != -1 else position


# ---------------------------------------------------------------- the page

TEMPLATE = "statements/search.html"


@dataclass
class Result:
    statement: object
    snippet: Snippet


class _Results:
    """All of a search's results as Django's paginator sees them: how many, and this page."""

    def __init__(self, total, page_results):
        self.total, self.page_results = total, page_results

    def __len__(self):
        return self.total

    def __getitem__(self, _slice):
        return self.page_results


@require_GET
def search_view(request):
    """/search/: full text, resolution numbers and document symbols, narrowed by facets."""
    from .forms import SearchForm

    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    try:
        outcome = search_engine().run(form.search_request())
    except SearchUnavailable:
        return render(request, TEMPLATE, {"form": form, "unavailable": True}, status=503)
    paginator = Paginator(_Results(outcome.total, load_results(outcome.pks, form.query)), RESULTS_PER_PAGE)
    if form.page_number > paginator.num_pages:
        context = {"form": form, "paginator": paginator, "last_page_url": form.url(page=paginator.num_pages)}
        return render(request, TEMPLATE, context, status=404)
    return render(request, TEMPLATE, results_context(form, outcome, paginator.page(form.page_number)))


def results_context(form, outcome, page):
    from .forms import facet_groups, pagination_links, selection_chips

    query = form.query
    bare_number = len(query.clauses) == 1 and query.text.replace("/", "").isdigit()
    return {
        "form": form,
        "page": page,
        "pages": pagination_links(form, page),
        "facets": facet_groups(form, outcome.facets),
        "chips": selection_chips(form),
        "resolutions": resolutions_asked_for(query),
        "text_search_url": form.url(query=f'"{query.text}"') if bare_number else None,
        "suggestion": outcome.suggestion,
        "suggestion_url": form.url(query=outcome.suggestion) if outcome.suggestion else None,
    }


def load_results(pks, query):
    """The statements found, in the order found, each with its snippet."""
    from .models import Statement

    statements = Statement.objects.with_people().in_bulk(pks)
    highlighter = Highlighter(query)
    return [Result(statements[pk], highlighter.snippet(statements[pk].body)) for pk in pks if pk in statements]


def resolutions_asked_for(query):
    """The resolutions a query names, each with its page, or the key when no statement cites it."""
    from .forms import resolutions_for_keys

    keys = query.values("resolution")
    found = {resolution_key(r.body, r.session, r.number): r for r in resolutions_for_keys(keys)} if keys else {}
    return [("/".join(key.split("-")[1:]), key.startswith("ga-"), found.get(key)) for key in keys]
