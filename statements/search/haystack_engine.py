"""Searching through haystack's SearchQuerySet, for Elasticsearch 7 or Solr.

What the direct Whoosh search does, said in each engine's own words: facet options as the
engine names them (haystack passes them through unchanged), facet counts that leave out the
facet's own selection (so the other values of a facet stay selectable), the selected values
always counted, and "did you mean" from the engine's suggester. An engine that cannot answer
raises SearchUnavailable (the settings turn off haystack's SILENTLY_FAIL, which answered an
outage with an empty result).
"""

from datetime import timedelta

from haystack import connections
from haystack.exceptions import MissingDependency
from haystack.inputs import Clean, Exact
from haystack.query import SearchQuerySet

from ..models import Statement
from .query import ALL_SELECTED_REQUIRED, SearchOutcome, SearchRequest, SearchUnavailable, parse_query, stemmed_terms

try:
    import elasticsearch
    from haystack.backends.elasticsearch_backend import ElasticsearchSearchBackend
except (ImportError, MissingDependency):  # the client library is installed only where it is used
    elasticsearch = ElasticsearchSearchBackend = None
try:
    import pysolr
    from haystack.backends.solr_backend import SolrSearchBackend
except (ImportError, MissingDependency):
    pysolr = SolrSearchBackend = None

# Elasticsearch refuses a terms aggregation larger than its bucket limit; "every value" is this many.
ALL_VALUES = 10_000


def facet_options(backend, limit):
    """Options for one field facet in the engine's own words: Elasticsearch's terms aggregation
    takes size and min_doc_count, Solr takes limit and mincount (-1: every value)."""
    if ElasticsearchSearchBackend and isinstance(backend, ElasticsearchSearchBackend):
        return {"size": ALL_VALUES if limit is None else limit, "min_doc_count": 1}
    return {"limit": -1 if limit is None else limit, "mincount": 1}


def engine_errors():
    """The exceptions that mean the engine cannot answer (down, unreachable, refusing the request)."""
    errors = [OSError]  # connection failures of both clients are OSErrors underneath
    if elasticsearch:
        errors.append(elasticsearch.TransportError)
    if pysolr:
        errors.append(pysolr.SolrError)
    return tuple(errors)


class HaystackSearch:
    """The search page's search through haystack's SearchQuerySet."""

    def index_version(self):
        """None: a search server's index has no version to read; exports are keyed on the rows."""

    def run(self, request: SearchRequest) -> SearchOutcome:
        try:
            return self._run(request)
        except engine_errors() as error:
            raise SearchUnavailable(f"the search engine cannot answer: {error.__class__.__name__}: {error}") from error

    def _run(self, request):
        backend = connections["default"].get_backend()
        sqs = self._matching(request)
        narrowed = self._narrowed(sqs, request, request.selected)
        if request.sort != "relevance" or not request.query:
            narrowed = narrowed.order_by("date" if request.sort == "oldest" else "-date")
        for name in request.facets:
            narrowed = narrowed.facet(name, **facet_options(backend, request.limit_for(name)))
        page = narrowed[request.offset : request.offset + request.per_page]
        pks = [int(result.pk) for result in page]
        counts = narrowed.facet_counts().get("fields", {})
        facets = {}
        for name in request.facets:
            found = counts.get(name, [])
            if request.selected.get(name) and name not in ALL_SELECTED_REQUIRED:
                # Counted without this facet's own selection: selecting Japan leaves France choosable.
                others = {key: keys for key, keys in request.selected.items() if key != name}
                unselected = self._narrowed(sqs, request, others).facet(
                    name, **facet_options(backend, request.limit_for(name))
                )
                found = unselected.facet_counts().get("fields", {}).get(name, [])
            facets[name] = self._with_selected(
                [(str(key), count) for key, count in found], request.selected.get(name, ())
            )
        total = narrowed.count()
        suggestion = None
        if not total and request.query.has_text:
            suggestion = self._suggestion(sqs, request)
        return SearchOutcome(total, pks, facets, suggestion)

    def _matching(self, request):
        sqs = SearchQuerySet().models(Statement)
        for clause in request.query.clauses:
            if clause.kind in ("resolution", "symbol"):
                condition = {clause.kind: Exact(clause.value)}
            elif clause.kind == "prefix":
                # content:(japan*): the engine expands it against its own (stemmed) terms.
                condition = {"content__startswith": Clean(clause.value)}
            else:
                if not stemmed_terms(clause.value):
                    continue
                condition = {"content": Exact(clause.value) if clause.kind == "phrase" else Clean(clause.value)}
            sqs = sqs.exclude(**condition) if clause.negated else sqs.filter(**condition)
        return sqs

    def _narrowed(self, sqs, request, selected):
        for name, keys in selected.items():
            if name in ALL_SELECTED_REQUIRED:
                for key in keys:
                    sqs = sqs.filter(**{name: Exact(key)})
            elif keys:
                sqs = sqs.filter(**{f"{name}__in": list(keys)})
        if request.date_from:
            sqs = sqs.filter(date__gte=request.date_from)
        if request.date_to:
            sqs = sqs.filter(date__lt=request.date_to + timedelta(days=1))
        return sqs

    @staticmethod
    def _with_selected(counts, selected):
        shown = {key for key, _count in counts}
        return counts + [(key, 0) for key in selected if key not in shown]

    def _suggestion(self, sqs, request):
        """The engine's spelling suggestion for the words typed, offered only if it finds something."""
        words = " ".join(request.query.values("word"))
        if not words:
            return None
        suggested = sqs.spelling_suggestion(words)
        if not suggested or suggested.lower() == words.lower():
            return None
        text = request.query.text
        for typed, corrected in zip(request.query.values("word"), suggested.split()):
            text = text.replace(typed, corrected, 1)
        retry = SearchRequest(parse_query(text), facets=(), per_page=1)
        return text if self._matching(retry).count() else None
