"""Where editors correct metadata. Every change here reaches the search index on commit."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html

from .indexing import affected_statement_ids, update_statements
from .models import Citation, Country, DocumentReference, Meeting, Resolution, Speaker, Statement

admin.site.site_header = "Statements archive"
admin.site.site_title = "Statements archive admin"
admin.site.index_title = "Correct the archive"
admin.site.site_url = "/"


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["resolution"]
    fields = ["resolution", "cited_year", "paragraph", "sentence"]


class DocumentReferenceInline(admin.TabularInline):
    model = DocumentReference
    extra = 0
    fields = ["symbol", "paragraph", "sentence"]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["display_title", "speaker", "country", "date", "forum", "source"]
    list_select_related = ["speaker", "speaker__country", "meeting"]
    list_filter = ["forum", ("date", admin.DateFieldListFilter), ("speaker__country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "occasion", "source", "speaker__name", "body"]
    date_hierarchy = "date"
    autocomplete_fields = ["speaker", "meeting"]
    readonly_fields = ["source", "content_hash", "created", "modified"]
    inlines = [CitationInline, DocumentReferenceInline]
    fieldsets = [
        (None, {"fields": ["title", "speaker", "date", "place", "forum", "occasion", "language"]}),
        ("Meeting", {"fields": ["meeting", "position"]}),
        ("Text", {"fields": ["body"]}),
        ("Provenance", {"fields": ["source", "content_hash", "created", "modified"]}),
    ]

    @admin.display(ordering="speaker__country__name")
    def country(self, statement):
        return statement.speaker.country if statement.speaker_id else None


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "honorific", "role", "country", "statement_count"]
    list_select_related = ["country"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "role", "country__name"]
    autocomplete_fields = ["country"]
    actions = ["merge_speakers"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(statement_total=Count("statements"))

    @admin.display(ordering="statement_total", description="statements")
    def statement_count(self, speaker):
        return speaker.statement_total

    @admin.action(description="Merge selected speakers into one")
    def merge_speakers(self, request, queryset):
        # The one with most statements is most likely the right record: it is offered first.
        speakers = sorted(queryset.select_related("country"), key=lambda s: (-s.statement_total, s.name, s.pk))
        if len(speakers) < 2:
            self.message_user(request, "Select at least two speakers to merge.", messages.WARNING)
            return None
        keep_id = request.POST.get("keep")
        keep = next((speaker for speaker in speakers if str(speaker.pk) == keep_id), None)
        if keep is None:
            surnames = sorted({speaker.name.split()[-1] for speaker in speakers}, key=str.casefold)
            context = {
                **self.admin_site.each_context(request),
                "speakers": speakers,
                "surnames_differ": len({surname.casefold() for surname in surnames}) > 1,
                "surnames": surnames,
                "opts": self.model._meta,
                "title": "Merge speakers",
            }
            return render(request, "admin/statements/speaker/merge.html", context)
        others = [speaker for speaker in speakers if speaker.pk != keep.pk]
        moved_ids = list(Statement.objects.filter(speaker__in=others).order_by("pk").values_list("pk", flat=True))
        moved = merge_speakers(keep, others)
        listing = (
            reverse("admin:statements_statement_changelist")
            + "?"
            + urlencode({"id__in": ",".join(map(str, moved_ids))})
        )
        self.message_user(
            request,
            format_html(
                'Merged {} into {}: {} statements moved. Merged by mistake? <a href="{}">List the statements moved</a>, '
                "select those of the other person and move them to a new speaker.",
                ", ".join(str(other) for other in others),
                keep,
                moved,
                listing,
            ),
            messages.SUCCESS,
        )
        return None


def merge_speakers(keep: Speaker, others: list[Speaker]) -> int:
    """Move the others' statements to `keep`, fill its blanks from them, delete them."""
    with transaction.atomic():
        ids = set()
        for other in others:
            ids |= affected_statement_ids(other)
            keep.honorific = keep.honorific or other.honorific
            keep.role = keep.role or other.role
            keep.country = keep.country or other.country
        moved = Statement.objects.filter(speaker__in=others).update(speaker=keep)
        Speaker.objects.filter(pk__in=[other.pk for other in others]).delete()
        keep.save()
        transaction.on_commit(lambda: update_statements(ids))
    return moved


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    list_display = ["symbol", "body", "number", "year", "date", "title", "citation_count"]
    list_filter = ["body", "year"]
    search_fields = ["=number", "title"]
    ordering = ["body", "session", "number"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_citation_counts()

    @admin.display(ordering="citation_count", description="citations")
    def citation_count(self, resolution):
        return resolution.citation_count


class YearConflictFilter(admin.SimpleListFilter):
    title = "cited year"
    parameter_name = "year_conflict"

    def lookups(self, request, model_admin):
        return [("yes", "contradicts the registry")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=Citation.objects.year_conflicts().values("pk"))
        return queryset


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    """Every citation, to review the ones whose written year contradicts the registry."""

    list_display = ["resolution", "cited_year", "registry_year", "statement", "sentence_excerpt"]
    list_select_related = ["resolution", "statement", "statement__speaker", "statement__meeting"]
    list_filter = [YearConflictFilter, "resolution__body"]
    search_fields = ["=resolution__number", "sentence", "statement__source"]
    autocomplete_fields = ["resolution"]
    raw_id_fields = ["statement"]

    @admin.display(ordering="resolution__year", description="registry year")
    def registry_year(self, citation):
        return citation.resolution.year

    @admin.display(description="sentence")
    def sentence_excerpt(self, citation):
        return citation.sentence[:160]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["symbol", "date", "topic", "kind"]
    search_fields = ["symbol", "topic"]
    date_hierarchy = "date"
