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
