"""Which engine answers a search: the direct Whoosh search when haystack uses Whoosh,
haystack's SearchQuerySet for any other engine (HAYSTACK_URL=elasticsearch7://..., solr://...)."""

from django.conf import settings
from django.utils.module_loading import import_string
from haystack.backends.whoosh_backend import WhooshSearchBackend
from haystack.exceptions import MissingDependency

from .haystack_engine import HaystackSearch
from .whoosh_engine import WhooshSearch

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
