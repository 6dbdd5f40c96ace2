"""haystack's Whoosh backend with a leaner schema for an archive of long texts.

haystack stores the whole document text in the index and makes it sortable (a second copy as
a column); nothing here reads either: snippets are cut from the database's text, and results
are sorted by date or relevance. Dropping both halves the index on disk and speeds indexing.
Selected in settings as the default engine; Elasticsearch and Solr use haystack's own.
"""

from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery


class ArchiveWhooshBackend(WhooshSearchBackend):
    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        content = schema[content_field_name]
        content.stored = False
        content.column_type = None
        return content_field_name, schema


class ArchiveWhooshEngine(BaseEngine):
    backend = ArchiveWhooshBackend
    query = WhooshSearchQuery


def field_signature(field):
    """What makes two Whoosh field definitions index alike (column and struct objects have no ==)."""
    return (
        type(field),
        field.stored,
        getattr(field, "unique", None),
        getattr(field, "scorable", None),
        getattr(field, "spelling", None),
        type(getattr(field, "format", None)),
        _analyzer_signature(getattr(field, "analyzer", None)),
        type(field.column_type) if getattr(field, "column_type", None) else None,
    )


def _analyzer_signature(analyzer):
    return tuple(type(item).__name__ for item in getattr(analyzer, "items", [analyzer]))


def same_schema(stored, wanted) -> bool:
    return set(stored.names()) == set(wanted.names()) and all(
        field_signature(stored[name]) == field_signature(wanted[name]) for name in wanted.names()
    )
