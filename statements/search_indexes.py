"""The search index over statements.

Facets are multi-valued keyword fields holding stable keys (speaker id, country slug,
resolution key), never analysed text: haystack's Whoosh backend stems and lowercases a
CharField, so faceting on one counts words ("south", "island") instead of whole names.
Resolution numbers and document symbols are exact keyword fields too, so `S/RES/2341` and
`S/PV.7919` are matched as symbols and never through the stemmed text. They are haystack's
facet fields, which every backend makes exact: a KEYWORD field in Whoosh, `keyword` in the
Elasticsearch mapping, `string` in the Solr schema (a plain MultiValueField is analysed text
in both, where facets would count stemmed words).

Nothing is stored for display: result pages read titles, names and text from the database,
so the index holds only what searching, faceting and sorting need.
"""

import datetime as dt

from haystack import indexes
from haystack.fields import FacetMultiValueField

from .keys import forum_key, symbol_key
from .models import Statement


class StatementIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True)
    date = indexes.DateField(model_attr="date", null=True)
    # When this entry was made from the database row: sync_index finds entries older than their row.
    modified = indexes.DateTimeField(null=True)

    speaker = FacetMultiValueField()
    country = FacetMultiValueField()
    forum = FacetMultiValueField()
    year = FacetMultiValueField()
    resolution = FacetMultiValueField()
    symbol = FacetMultiValueField()

    def get_model(self):
        return Statement

    def index_queryset(self, using=None):
        return Statement.objects.select_related("speaker", "delegation", "meeting").prefetch_related(
            "citations__resolution", "document_references"
        )

    def get_updated_field(self):
        return "modified"

    def prepare_text(self, statement):
        speaker = statement.speaker
        parts = [
            statement.display_title,
            speaker.name if speaker else statement.speaker_as_written,
            # Both names: "Siam" and "Thailand" each find a speech of 1947.
            statement.delegation_name,
            statement.delegation.name if statement.delegation_id else "",
            statement.forum,
            statement.occasion,
            statement.place,
            statement.meeting.topic if statement.meeting_id else "",
            statement.body,
        ]
        return "\n".join(part for part in parts if part)

    def prepare_speaker(self, statement):
        return [str(statement.speaker_id)] if statement.speaker_id else []

    def prepare_country(self, statement):
        return [statement.delegation.slug] if statement.delegation_id else []

    def prepare_forum(self, statement):
        return [forum_key(statement.forum)] if statement.forum else []

    def prepare_modified(self, statement):
        # Whoosh stores naive datetimes; the database's are aware (USE_TZ), in UTC.
        return statement.modified.astimezone(dt.UTC).replace(tzinfo=None) if statement.modified else None

    def prepare_year(self, statement):
        return [str(statement.year)] if statement.year else []

    def prepare_resolution(self, statement):
        return sorted(c.resolution.key for c in statement.citations.all())

    def prepare_symbol(self, statement):
        return sorted({symbol_key(ref.symbol) for ref in statement.document_references.all()})
