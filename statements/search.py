"""Searching statements: reading a query, running it, and the /search/ page.

A query is read into clauses (issue 3): words and "phrases" go to the stemmed text,
`-word` excludes, and resolution numbers and UN document symbols in any of the forms people
write them (`2341`, `res. 2341`, `S/RES/2341 (2017)`, `A/RES/60/288`, `S/PV.7750`) go to the
exact `resolution` and `symbol` fields, never through the stemmer.

On Whoosh the query runs on the index directly through one cached searcher: haystack's
SearchQuerySet reopens readers several times a search, searches twice a page and counts
facets in Python on every request (issue 4 measured 1.5 s a page at 4,000 statements; this
path serves a page with facets in about 40 ms at 13,500). Any other haystack engine (HAYSTACK_URL=elasticsearch7://..., solr://...) goes through
SearchQuerySet, which does this well there.

Snippets come from statements/snippets.py, built from the database text, never with
haystack's {% highlight %} tag.
"""

import heapq
import logging
import math
import os
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate, chain, islice

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET
from haystack.backends.whoosh_backend import WhooshSearchBackend
from haystack.exceptions import MissingDependency
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import StemmingAnalyzer
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.util.times import datetime_to_long

from .search_indexes import resolution_key, symbol_key

logger = logging.getLogger(__name__)

RESULTS_PER_PAGE = 20
FACET_FIELDS = ("speaker", "country", "forum", "year", "resolution")
# Selecting two resolutions finds statements citing both; the other fields hold one value a
# statement, so two selected values there mean either (a statement has one speaker).
ALL_SELECTED_REQUIRED = frozenset({"resolution"})
FACET_LIMIT = 20
# Term postings and phrase matches of at least this many documents are kept between searches,
# up to this many documents in all (about 100 bytes each).
REMEMBER_FROM, REMEMBER_AT_MOST = 1_000, 300_000

ANALYZER = StemmingAnalyzer()  # the analyzer haystack gives the Whoosh text field

# ---------------------------------------------------------------- reading a query

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
    for pattern, make_key in (
        (BARE_SC_NUMBER, lambda m: f"sc-{int(m[1])}"),
        (BARE_GA_NUMBER, lambda m: f"ga-{int(m[1])}-{int(m[2])}"),
    ):
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
        self._segments = {}

    def run(self, request: SearchRequest) -> SearchOutcome:
        with self._lock:
            searcher = self._current_searcher()
            if searcher is None:
                return SearchOutcome(0, [], {})
            cache = self._cache
            match = Match(searcher, cache, request.query)
            narrowing = self._narrowing_sets(searcher, cache, request)
            found = _intersect([match.docs, *narrowing.values()])
            facets = {}
            for name in FACET_FIELDS:
                counted = found
                if name in narrowing and name not in ALL_SELECTED_REQUIRED:
                    counted = _intersect([match.docs, *(s for key, s in narrowing.items() if key != name)])
                facets[name] = cache.count(name, counted, request.selected.get(name, ()))
            docnums = self._page(cache, match, found, request)
            pks = [int(searcher.stored_fields(docnum)["django_id"]) for docnum in docnums]
            suggestion = self._suggest(searcher, request.query) if not found and request.query.has_text else None
        return SearchOutcome(len(found), pks, facets, suggestion)

    def _current_searcher(self):
        """The searcher over the latest version of the index, opened again only when it changed."""
        try:
            stat = os.stat(self.path)
            identity = (stat.st_dev, stat.st_ino)  # a rebuild may swap in a new folder
            if identity != self._identity:
                self._close()
            if not whoosh_index.exists_in(self.path):
                return None
            ix = whoosh_index.open_dir(self.path)
            if self._searcher is None or ix.latest_generation() != self._searcher.reader().generation():
                self._searcher, self._identity = self._open(ix), identity
                if self._searcher is None:
                    return None  # an index without documents
                self._cache = IndexCache(self._searcher, self._segment_facts(self._searcher))
        except FileNotFoundError:
            return None
        except Exception as error:
            logger.exception("the search index at %s cannot be read", self.path)
            raise SearchUnavailable(str(error)) from error
        return self._searcher

    def _open(self, ix):
        """A searcher on the index's segments, reusing open readers of segments unchanged since the
        last one, deletions included. Whoosh's own Searcher.refresh() reuses a segment whose
        deletions changed (a deleted statement stayed findable) and keeps segments merged away."""
        toc = ix._read_toc()
        previous = {}
        if self._searcher is not None:
            previous = {reader.segment().segment_id(): reader for reader, _ in self._searcher.reader().leaf_readers()}
        readers = []
        for segment in toc.segments:
            reader = previous.pop(segment.segment_id(), None)
            if reader is None or reader.segment().deleted_count() != segment.deleted_count():
                if reader is not None:
                    previous[segment.segment_id()] = reader
                reader = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
            readers.append(reader)
        for stale in previous.values():
            stale.close()
        if not readers:
            return None
        return Searcher(
            readers[0] if len(readers) == 1 else MultiReader(readers, generation=toc.generation), fromindex=ix
        )

    def _close(self):
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = self._cache = self._identity = None
        self._segments = {}

    def _segment_facts(self, searcher):
        """SegmentFacts for each segment of this searcher, reading only segments not seen before."""
        known, self._segments = self._segments, {}
        for reader, _offset in searcher.reader().leaf_readers():
            segment_id = reader.segment().segment_id()
            self._segments[segment_id] = known.get(segment_id) or SegmentFacts(reader)
        return self._segments

    def _narrowing_sets(self, searcher, cache, request):
        sets = {}
        for name, keys in request.selected.items():
            if keys:
                docsets = [cache.docs_with(searcher, name, key) for key in keys]
                sets[name] = _intersect(docsets) if name in ALL_SELECTED_REQUIRED else frozenset().union(*docsets)
        if request.date_from or request.date_to:
            sets["date"] = cache.docs_between(request.date_from, request.date_to)
        return sets

    def _page(self, cache, match, found, request):
        start, end = request.offset, request.offset + request.per_page
        if start >= len(found):
            return []
        if request.sort == "relevance" and match.scoring:
            return match.ranked(found, end)[start:end]
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
        return text if Match(searcher, self._cache, parse_query(text)).docs else None


class Match:
    """The documents a query matches, read straight from the postings in one pass per term, and
    their BM25 relevance. Scoring through Whoosh's matchers costs about 15 µs a document in
    Python (200 ms for two common words at 13,500 statements); this loop costs about 2."""

    K1, B = 1.2, 0.75  # Whoosh's BM25F defaults

    def __init__(self, searcher, cache, parsed):
        self.searcher, self.cache = searcher, cache
        self.scoring = {}  # text term -> {docnum: frequency}, for ranking
        required, excluded = [], []
        for clause in parsed.clauses:
            if clause.kind in ("resolution", "symbol"):
                docs = self.postings(clause.kind, clause.value).keys()
            else:
                terms = stemmed_terms(clause.value)
                if not terms:
                    continue  # only very common words ("the", "of"): nothing to require
                docs = _intersect(self.postings("text", term).keys() for term in terms)
                if len(terms) > 1 and docs:
                    docs = docs & self.phrase(terms)
                if not clause.negated:
                    self.scoring.update((term, self.postings("text", term)) for term in terms)
            (excluded if clause.negated else required).append(docs)
        if required:
            self.docs = frozenset(_intersect(required))
        else:
            self.docs = cache.all_docs
        if excluded:
            self.docs = self.docs.difference(*excluded)

    def postings(self, field, term):
        """{docnum: frequency} of the live documents holding this term."""
        return self.cache.remembered((field, term), lambda: self._read(field, term))

    def _read(self, field, term):
        found = {}
        for reader, offset in self.searcher.reader().leaf_readers():
            if field in reader.schema and reader.doc_frequency(field, term):
                _read_postings(reader, field, term, offset, found)
        return found

    def phrase(self, terms):
        """The documents holding these terms one after another."""
        query = wq.Phrase("text", terms)
        return self.cache.remembered(("phrase", tuple(terms)), lambda: frozenset(self.searcher.docs_for_query(query)))

    def ranked(self, docs, limit):
        """The best `limit` of these documents by BM25; later imports first on a tie."""
        norms, count, k1 = self.cache.length_norms, self.cache.live_count, self.K1
        scores = dict.fromkeys(docs, 0.0)
        for frequencies in self.scoring.values():
            df = len(frequencies)
            weight = math.log(1 + (count - df + 0.5) / (df + 0.5)) * (k1 + 1)
            for docnum, tf in frequencies.items():
                if docnum in scores:
                    scores[docnum] += weight * tf / (tf + norms[docnum])
        return [docnum for _score, docnum in heapq.nlargest(limit, zip(scores.values(), scores))]


def _read_postings(reader, field, term, offset, found):
    """Add {docnum + offset: frequency} for one segment. Whoosh 2.7's on-disk matcher is read a
    block at a time through its private block arrays (Whoosh-Reloaded is pinned): a posting at a
    time through the public Matcher API costs five times as much."""
    matcher = reader.postings(field, term)
    hides_deleted = isinstance(matcher, FilterMatcher)
    leaf = matcher.child if hides_deleted else matcher
    if not isinstance(leaf, W3LeafMatcher) or leaf._byteids:
        while matcher.is_active():
            found[matcher.id() + offset] = matcher.weight()
            matcher.next()
        return
    leaf.reset()
    while leaf.is_active():
        leaf._read_data()
        leaf._read_weights()
        # Document numbers are stored as steps from the one before; Whoosh adds them up in Python.
        docnums = accumulate(leaf._data[0], initial=offset)
        next(docnums)
        found.update(zip(docnums, leaf._weights))
        leaf._next_block()
    if hides_deleted:
        for docnum in reader.deleted_docs_set:
            found.pop(docnum + offset, None)


def _intersect(sets):
    """Documents in all the given sets (or dict key views), starting from the smallest."""
    first, *others = sorted(sets, key=len)
    for other in others:
        first = first & other
    return first


class SegmentFacts:
    """One Whoosh segment's facet keys, dates and text lengths for each of its documents. A
    segment never changes once written (deletions aside), so these are read once per segment:
    after a commit only the new segment is read (the whole index takes seconds)."""

    def __init__(self, reader):
        self.count = reader.doc_count_all()
        self.keys = {name: self._keys(reader, name) for name in FACET_FIELDS}
        self.dates = self._dates(reader)
        self.lengths = [reader.doc_field_length(docnum, "text", 1) for docnum in range(self.count)]

    def _keys(self, reader, name):
        keys = [()] * self.count
        if name in reader.schema:
            for btext in reader.lexicon(name):
                key = btext.decode("utf-8")
                for docnum in reader.postings(name, btext).all_ids():
                    keys[docnum] = keys[docnum] + (key,)
        return keys

    def _dates(self, reader):
        """Each document's date as Whoosh stores it (a long), or None."""
        if "date" not in reader.schema or not reader.has_column("date"):
            return [None] * self.count
        default = reader.schema["date"].column_type.default_value()
        return [value if value != default else None for value in reader.column_reader("date", translate=False)]


class IndexCache:
    """What every search needs from one version of the index: the facet keys of each document,
    dates, text lengths, the newest-first order, and recently read postings."""

    def __init__(self, searcher, segment_facts):
        leaves = [
            (segment_facts[reader.segment().segment_id()], offset)
            for reader, offset in searcher.reader().leaf_readers()
        ]
        self.doc_count = searcher.doc_count_all()
        self.all_docs = frozenset(searcher.reader().all_doc_ids())
        self.live_count = len(self.all_docs)
        self.keys = {name: list(chain.from_iterable(facts.keys[name] for facts, _ in leaves)) for name in FACET_FIELDS}
        self.dates = list(chain.from_iterable(facts.dates for facts, _ in leaves))
        lengths = list(chain.from_iterable(facts.lengths for facts, _ in leaves))
        average = max(1.0, sum(lengths[docnum] for docnum in self.all_docs) / max(1, self.live_count))
        # BM25's length normalisation, k1 * (1 - b + b * length / average), for each document
        self.length_norms = [Match.K1 * (1 - Match.B + Match.B * length / average) for length in lengths]
        self._orders = {}
        self._unfiltered_counts = {}
        self._remembered = OrderedDict()
        self._remembered_size = 0

    def remembered(self, key, read):
        """Postings of common terms and documents of phrases, kept while the index is unchanged:
        reading them costs about 1 ms a thousand documents (Whoosh unpickles every block)."""
        if key in self._remembered:
            self._remembered.move_to_end(key)
            return self._remembered[key]
        value = read()
        if len(value) >= REMEMBER_FROM:
            self._remembered[key] = value
            self._remembered_size += len(value)
            while self._remembered_size > REMEMBER_AT_MOST:
                _key, old = self._remembered.popitem(last=False)
                self._remembered_size -= len(old)
        return value

    def _counter(self, name, docs):
        return Counter(chain.from_iterable(map(self.keys[name].__getitem__, docs)))

    def docs_with(self, searcher, name, key):
        if name not in searcher.schema:
            return frozenset()
        return (
            frozenset(searcher.reader().postings(name, key).all_ids())
            if searcher.reader().doc_frequency(name, key)
            else frozenset()
        )

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
        if name not in self._unfiltered_counts:
            self._unfiltered_counts[name] = self._counter(name, self.all_docs)
        if docs is self.all_docs:
            counts = self._unfiltered_counts[name]
        elif len(docs) > self.live_count // 2:
            # A common word matches most statements: count those it misses and subtract.
            counts = self._unfiltered_counts[name] - self._counter(name, self.all_docs - docs)
        else:
            counts = self._counter(name, docs)
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
    try:
        whoosh = issubclass(import_string(connection["ENGINE"]).backend, WhooshSearchBackend)
    except (ImportError, MissingDependency):  # the engine's client library is not installed here
        whoosh = False
    if not whoosh:
        return HaystackSearch()
    path = connection["PATH"]
    if path not in _engines:
        _engines[path] = WhooshSearch(path)
    return _engines[path]


# ---------------------------------------------------------------- the page

TEMPLATE = "statements/search.html"


@dataclass
class Result:
    statement: object
    snippet: object


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
        "year_chart": year_chart_rows(form, outcome.facets.get("year", [])),
        "resolutions": resolutions_asked_for(query),
        "text_search_url": form.url(query=f'"{query.text}"') if bare_number else None,
        "suggestion": outcome.suggestion,
        "suggestion_url": form.url(query=outcome.suggestion) if outcome.suggestion else None,
        "left_out": [c.value for c in query.clauses if c.kind in ("word", "phrase") and not stemmed_terms(c.value)],
    }


def year_chart_rows(form, year_counts):
    """(year, count, url) for the chart of matches per year: a bar narrows to its year, or widens back."""
    selected = set(form.selected().get("year", ()))
    return [
        (key, count, form.url_removing("year", key) if key in selected else form.url_adding("year", key))
        for key, count in year_counts
        if count
    ]


def load_results(pks, query):
    """The statements found, in the order found, each with its snippet."""
    from .models import Statement
    from .snippets import Highlighter

    statements = Statement.objects.with_people().in_bulk(pks)
    highlighter = Highlighter(query)
    return [Result(statements[pk], highlighter.snippet(statements[pk].body)) for pk in pks if pk in statements]


def resolutions_asked_for(query):
    """The resolutions a query names, each with its page, or the key when no statement cites it."""
    from .forms import resolutions_for_keys

    keys = query.values("resolution")
    found = {resolution_key(r.body, r.session, r.number): r for r in resolutions_for_keys(keys)} if keys else {}
    return [("/".join(key.split("-")[1:]), key.startswith("ga-"), found.get(key)) for key in keys]
