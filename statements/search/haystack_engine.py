"""Searching through haystack's SearchQuerySet, for Elasticsearch or Solr."""

from datetime import timedelta

from haystack.inputs import Clean, Exact
from haystack.query import SearchQuerySet

from ..models import Statement
from .query import ALL_SELECTED_REQUIRED, SearchOutcome, SearchRequest, stemmed_terms


class HaystackSearch:
    """The same search through haystack's SearchQuerySet, for Elasticsearch or Solr."""

    def run(self, request: SearchRequest) -> SearchOutcome:
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
        for name in request.facets:
            sqs = sqs.facet(name, limit=-1 if request.facet_limit is None else request.facet_limit, mincount=1)
        page = sqs[request.offset : request.offset + request.per_page]
        counts = sqs.facet_counts().get("fields", {})
        facets = {name: [(str(key), count) for key, count in counts.get(name, [])] for name in request.facets}
        return SearchOutcome(sqs.count(), [int(result.pk) for result in page], facets)
