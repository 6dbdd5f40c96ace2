"""Searching the Whoosh index directly.

On Whoosh the query runs on the index through one cached searcher: haystack's SearchQuerySet
reopens readers several times a search, searches twice a page and counts facets in Python on
every request (issue 4 measured 1.5 s a page at 4,000 statements; this path serves a page with
facets in about 40 ms at 13,500). Whoosh's private internals are read only through
whoosh_internals.py.
"""

import heapq
import math
import os
import re
import threading
from array import array
from collections import Counter, OrderedDict
from datetime import datetime, time, timedelta
from itertools import chain, islice

from whoosh import query as wq
from whoosh.index import EmptyIndexError
from whoosh.util.times import datetime_to_long

from .query import (
    ALL_SELECTED_REQUIRED,
    FACET_FIELDS,
    FACET_LIMIT,
    SearchOutcome,
    SearchRequest,
    SearchUnavailable,
    parse_query,
    read_prefix,
    stemmed_terms,
)
from .whoosh_internals import IndexDamaged, IndexFiles, open_searcher, open_storage, read_postings, read_toc

# Term postings and phrase matches of at least this many documents are kept between searches,
# packed into arrays (12 bytes a posting, 4 a phrase's document), up to this many bytes in all;
# the most recently used of them also as Python dicts and sets (about 100 bytes a posting), up
# to this many postings, since making them again costs about 0.1 ms a thousand (the common words
# of bench/memory.py's mix hold 118,000 postings at 13,561 statements). Kept only as dicts, up
# to 300,000 postings took about 30 MB a worker.
REMEMBER_FROM, REMEMBER_BYTES, REMEMBER_UNPACKED = 1_000, 12_000_000, 150_000
# A prefix (japan*) reads at most this many index terms, those in most statements first, of the
# first PREFIX_SCAN terms starting with it: `con*`, the widest three-letter prefix of the whole
# corpus, starts 489 terms, and reading the postings of every one would cost a search its speed.
PREFIX_TERMS, PREFIX_SCAN = 100, 5_000
# A document without a date, in the arrays of dates (Whoosh's own default for a missing date).
NO_DATE = 2**63 - 1


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
        self._files = None
        self._segments = {}
        self._tables = None

    def run(self, request: SearchRequest) -> SearchOutcome:
        with self._lock:
            try:
                searcher = self._current_searcher()
                return self._search(searcher, request) if searcher else SearchOutcome(0, [], {})
            except IndexDamaged as error:
                self._close()
                raise SearchUnavailable(f"the search index at {self.path} is damaged: {error}") from None
            except Exception as error:
                # Damaged files fail in many ways (struct.error, EOFError, zlib.error, ...): an error
                # with every file intact is a bug, and stays one.
                if self._files is not None and not self._intact():
                    self._close()
                    raise SearchUnavailable(f"the search index at {self.path} is damaged: {error!r}") from error
                raise

    def index_version(self):
        """What identifies the version of the index searched now (folder and generation); raises
        SearchUnavailable as a search would."""
        with self._lock:
            try:
                searcher = self._current_searcher()
            except IndexDamaged as error:
                self._close()
                raise SearchUnavailable(f"the search index at {self.path} is damaged: {error}") from None
            return [*self._identity, searcher.reader().generation() if searcher else None]

    def _search(self, searcher, request):
        cache = self._cache
        match = Match(searcher, cache, request.query)
        narrowing = self._narrowing_sets(searcher, cache, request)
        found = _intersect([match.docs, *narrowing.values()])
        facets = {}
        for name in request.facets:
            counted = found
            if name in narrowing and name not in ALL_SELECTED_REQUIRED:
                counted = _intersect([match.docs, *(s for key, s in narrowing.items() if key != name)])
            facets[name] = cache.count(name, counted, request.selected.get(name, ()), request.limit_for(name))
        docnums = self._page(cache, match, found, request)
        pks = [int(searcher.stored_fields(docnum)["django_id"]) for docnum in docnums]
        suggestion = self._suggest(searcher, request.query) if not found and request.query.has_text else None
        return SearchOutcome(len(found), pks, facets, suggestion)

    def _intact(self):
        try:
            self._files.check()
        except IndexDamaged:
            return False
        return True

    def _current_searcher(self):
        """The searcher over the latest version of the index, opened again only when it changed;
        IndexDamaged when a file of the index is missing, has changed size, or cannot be read."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            raise IndexDamaged("the folder is missing") from None
        identity = (stat.st_dev, stat.st_ino)  # a rebuild may swap in a new folder
        if identity != self._identity:
            self._close()
        storage = open_storage(self.path)
        try:
            ix = storage.open_index()
            generation = ix.latest_generation()
            if self._searcher is not None and generation == self._searcher.reader().generation():
                self._files.check()
                return self._searcher
            toc = read_toc(ix)
            files = IndexFiles(storage, toc)
            searcher = open_searcher(ix, toc, previous=self._searcher)
        except IndexDamaged:
            raise
        except EmptyIndexError:
            raise IndexDamaged("it has no table of contents") from None
        except Exception as error:  # a damaged table of contents or segment fails in many ways
            raise IndexDamaged(repr(error)) from error
        self._searcher, self._files, self._identity = searcher, files, identity
        self._cache = IndexCache(searcher, self._segment_facts(searcher), self._tables) if searcher else None
        return searcher

    def _close(self):
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = self._cache = self._identity = self._files = None
        self._segments = {}
        self._tables = None

    def _segment_facts(self, searcher):
        """SegmentFacts for each segment of this searcher, reading only segments not seen before."""
        if self._tables is None:
            self._tables = {name: KeyTable() for name in FACET_FIELDS}
        known, self._segments = self._segments, {}
        for reader, _offset in searcher.reader().leaf_readers():
            segment_id = reader.segment().segment_id()
            self._segments[segment_id] = known.get(segment_id) or SegmentFacts(reader, self._tables)
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
            # Words sharing the first two letters first: walking every term with the same first
            # letter cost 55 ms a word at 2.6k statements, two letters 6 ms.
            candidates = corrector.suggest(word.lower(), limit=20, maxdist=2, prefix=2) or corrector.suggest(
                word.lower(), limit=20, maxdist=2, prefix=1
            )
            best = closest_word(searcher, word.lower(), candidates)
            if best:
                text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", lambda _match, best=best: best, text, count=1)
                changed = True
        if not changed:
            return None
        return text if Match(searcher, self._cache, parse_query(text)).docs else None


def closest_word(searcher, typed, candidates):
    """The candidate fewest edits from what was typed, then the one in most statements. Whoosh's
    corrector ranks its unstemmed spelling words by the frequency of that exact word in the
    stemmed text, where most words never occur ("terrorism" is indexed as "terror"), so it offered
    "terrorist" for "terorism" and "climb" for "climat"."""

    def rank(word):
        terms = stemmed_terms(word)
        statements = searcher.doc_frequency("text", terms[0]) if len(terms) == 1 else 0
        return edit_distance(typed, word), -statements, word

    ranked = sorted(candidates, key=rank)
    return ranked[0] if ranked else None


def edit_distance(a, b):
    """Levenshtein distance with adjacent transpositions counted as one edit."""
    previous2, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


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
            elif clause.kind == "prefix":
                frequencies = self.prefix_postings(clause.value)
                docs = frequencies.keys()
                if not clause.negated:
                    self.scoring[("prefix", clause.value)] = frequencies
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

    def prefix_postings(self, prefix):
        """{docnum: frequency} of a prefix, its terms' frequencies summed: ranked as one term, as
        Lucene's blended wildcard scoring does, so that a document holding many words starting
        with it does not outrank one holding the word asked for."""
        return self.cache.remembered(("prefix", prefix), lambda: self._summed(self.expand(prefix)))

    def _summed(self, terms):
        summed = Counter()
        for term in terms:
            summed.update(self.postings("text", term))
        return dict(summed)

    def expand(self, prefix):
        """The index terms a prefix clause reads (see PREFIX_TERMS), in most statements first."""
        wanted = read_prefix(prefix)
        reader = self.searcher.reader()
        if "text" not in reader.schema:
            return []
        statements = {
            btext.decode("utf-8"): info.doc_frequency()
            for btext, info in islice(reader.iter_prefix("text", wanted.start), PREFIX_SCAN)
        }
        for stem in wanted.stems:
            if stem not in statements and reader.doc_frequency("text", stem):
                statements[stem] = reader.doc_frequency("text", stem)
        return heapq.nlargest(PREFIX_TERMS, statements, key=statements.get)

    def _read(self, field, term):
        found = {}
        for reader, offset in self.searcher.reader().leaf_readers():
            if field in reader.schema and reader.doc_frequency(field, term):
                read_postings(reader, field, term, offset, found)
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


class Kept:
    """The most recently used values, forgetting the least recently used while the sum of their
    sizes (as `size` measures them) is over `most`."""

    def __init__(self, most, size):
        self.most, self.size = most, size
        self.values = OrderedDict()
        self.total = 0

    def get(self, key):
        value = self.values.get(key)
        if value is not None:
            self.values.move_to_end(key)
        return value

    def put(self, key, value):
        self.values[key] = value
        self.total += self.size(value)
        while self.total > self.most:
            self.total -= self.size(self.values.popitem(last=False)[1])


def _bytes(packed):
    return sum(part.itemsize * len(part) for part in packed)


def _packed(value):
    """A {docnum: frequency} dict or a set of docnums as arrays."""
    if isinstance(value, dict):
        return array("I", value.keys()), array("d", value.values())
    return (array("I", value),)


def _unpacked(packed):
    if len(packed) == 2:
        return dict(zip(*packed))
    return frozenset(packed[0])


def _joined(typecode, arrays):
    joined = array(typecode)
    for part in arrays:
        joined.extend(part)
    return joined


def _intersect(sets):
    """Documents in all the given sets (or dict key views), starting from the smallest."""
    first, *others = sorted(sets, key=len)
    for other in others:
        first = first & other
    return first


class KeyTable:
    """The distinct tuples of facet keys documents hold in one field, each numbered once, so that a
    segment keeps a document's keys as a number in an array (4 bytes) rather than a tuple of its
    own (about 56 bytes with the list slot); shared by every segment of one index."""

    def __init__(self):
        self.tuples = [()]
        self._numbers = {(): 0}

    def number(self, keys):
        number = self._numbers.get(keys)
        if number is None:
            number = self._numbers[keys] = len(self.tuples)
            self.tuples.append(keys)
        return number


class SegmentFacts:
    """One Whoosh segment's facet keys, dates and text lengths for each of its documents, as
    arrays of machine numbers (a few bytes a document where Python objects took about 300). A
    segment never changes once written (deletions aside), so these are read once per segment:
    after a commit only the new segment is read (the whole index takes seconds)."""

    def __init__(self, reader, tables):
        self.count = reader.doc_count_all()
        self.keys = {name: self._keys(reader, name, tables[name]) for name in FACET_FIELDS}
        self.dates = self._dates(reader)
        self.lengths = array("I", (reader.doc_field_length(docnum, "text", 1) for docnum in range(self.count)))

    def _keys(self, reader, name, table):
        """Each document's number in `table` of the keys it holds in this field."""
        keys = [()] * self.count
        if name in reader.schema:
            for btext in reader.lexicon(name):
                key = btext.decode("utf-8")
                for docnum in reader.postings(name, btext).all_ids():
                    keys[docnum] = keys[docnum] + (key,)
        return array("I", map(table.number, keys))

    def _dates(self, reader):
        """Each document's date as Whoosh stores it (a long), or NO_DATE."""
        if "date" not in reader.schema or not reader.has_column("date"):
            return array("q", [NO_DATE]) * self.count
        default = reader.schema["date"].column_type.default_value()
        values = reader.column_reader("date", translate=False)
        return array("q", (value if value != default else NO_DATE for value in values))


class IndexCache:
    """What every search needs from one version of the index: the facet keys of each document,
    dates, text lengths, the newest-first order, and recently read postings."""

    def __init__(self, searcher, segment_facts, tables):
        leaves = [
            (segment_facts[reader.segment().segment_id()], offset)
            for reader, offset in searcher.reader().leaf_readers()
        ]
        self.all_docs = frozenset(searcher.reader().all_doc_ids())
        self.live_count = len(self.all_docs)
        # One shared tuple a distinct set of keys: 8 bytes a document, and counting them as fast
        # as when each document had its own tuple.
        self.keys = {
            name: list(map(tables[name].tuples.__getitem__, _joined("I", (facts.keys[name] for facts, _ in leaves))))
            for name in FACET_FIELDS
        }
        self.dates = _joined("q", (facts.dates for facts, _ in leaves))
        lengths = _joined("I", (facts.lengths for facts, _ in leaves))
        average = max(1.0, sum(lengths[docnum] for docnum in self.all_docs) / max(1, self.live_count))
        # BM25's length normalisation, k1 * (1 - b + b * length / average), for each document
        self.length_norms = array("d", (Match.K1 * (1 - Match.B + Match.B * length / average) for length in lengths))
        self._orders = {}
        self._unfiltered_counts = {}
        self._remembered = Kept(REMEMBER_BYTES, _bytes)
        self._unpacked = Kept(REMEMBER_UNPACKED, len)

    def remembered(self, key, read):
        """Postings of common terms and documents of phrases, kept while the index is unchanged:
        reading them costs about 1 ms a thousand documents (Whoosh unpickles every block)."""
        value = self._unpacked.get(key)
        if value is not None:
            return value
        packed = self._remembered.get(key)
        if packed is not None:
            value = _unpacked(packed)
        else:
            value = read()
            if len(value) < REMEMBER_FROM:
                return value
            self._remembered.put(key, _packed(value))
        self._unpacked.put(key, value)
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
            if value != NO_DATE and (low is None or value >= low) and (high is None or value < high)
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
            dated = [(value, docnum) for docnum, value in enumerate(self.dates) if value != NO_DATE]
            dated.sort(key=lambda pair: (pair[0] if newest else -pair[0], pair[1]), reverse=True)
            undated = sorted((d for d, value in enumerate(self.dates) if value == NO_DATE), reverse=True)
            self._orders[newest] = array("I", chain((docnum for _value, docnum in dated), undated))
        return self._orders[newest]

    def count(self, name, docs, selected=(), limit=FACET_LIMIT):
        """The `limit` most frequent keys among these documents (all when None), with the selected
        ones always included."""
        if name not in self._unfiltered_counts:
            self._unfiltered_counts[name] = self._counter(name, self.all_docs)
        if docs is self.all_docs:
            counts = self._unfiltered_counts[name]
        elif len(docs) > self.live_count // 2:
            # A common word matches most statements: count those it misses and subtract.
            counts = self._unfiltered_counts[name] - self._counter(name, self.all_docs - docs)
        else:
            counts = self._counter(name, docs)
        top = counts.most_common(limit)
        shown = {key for key, _count in top}
        return top + [(key, counts.get(key, 0)) for key in selected if key not in shown]
