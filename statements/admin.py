"""Where editors correct metadata. Every change here reaches the search index on commit."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Count
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.utils.html import format_html

from .duplicates import DUPLICATE_PAIRS_A_PAGE, likely_duplicates, pair_matches
from .indexing import affected_statement_ids, queue_index_updates
from .ingest import EDITOR_FIELDS
from .models import Citation, Country, DocumentReference, Meeting, Resolution, Speaker, Statement, split_surname
from .pagination import paginate

admin.site.site_header = "Statements archive"
admin.site.site_title = "Statements archive admin"
admin.site.index_title = "Correct the archive"
admin.site.site_url = "/"


class NamedBoxesFormSet(forms.BaseInlineFormSet):
    """A tabular inline whose every box is named for a screen reader ("Cited year, citation 3"):
    Django heads each column but labels no box in it (axe-core: form elements must have labels)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = f"{self.model._meta.verbose_name} {index + 1}" if index is not None else "new row"
        for field in form.fields.values():
            # A related field's box sits inside the admin's wrapper with its edit and add links.
            widget = getattr(field.widget, "widget", field.widget)
            if not widget.is_hidden:
                widget.attrs["aria-label"] = f"{field.label}, {row}"


class CitationInline(admin.TabularInline):
    model = Citation
    formset = NamedBoxesFormSet
    extra = 0
    autocomplete_fields = ["resolution"]
    fields = ["resolution", "cited_year", "paragraph", "sentence"]
    # A short sentence box that wraps: the default one made the edit page 1,528 px wide.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 40})}}


class DocumentReferenceInline(admin.TabularInline):
    model = DocumentReference
    formset = NamedBoxesFormSet
    extra = 0
    fields = ["symbol", "paragraph", "sentence"]
    formfield_overrides = CitationInline.formfield_overrides


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["display_title", "speaker", "speaker_as_written", "country", "date", "forum", "source"]
    list_select_related = ["speaker", "delegation", "meeting"]
    list_filter = ["forum", ("date", admin.DateFieldListFilter), ("delegation", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "occasion", "source", "speaker__name", "body"]
    date_hierarchy = "date"
    autocomplete_fields = ["speaker", "delegation", "meeting"]
    readonly_fields = ["source", "provenance", "editors_fields", "content_hash", "created", "modified"]
    inlines = [CitationInline, DocumentReferenceInline]
    actions = ["move_statements"]

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "speaker",
                    "speaker_as_written",
                    "role",
                    "delegation",
                    "date",
                    "place",
                    "forum",
                    "occasion",
                    "language",
                ]
            },
        ),
        ("Meeting", {"fields": ["meeting", "position"]}),
        ("Text", {"fields": ["body"]}),
        ("Provenance", {"fields": ["source", "provenance", "editors_fields", "content_hash", "created", "modified"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        for name in obj.editor_fields if obj else ():
            if name in form.base_fields:
                field = form.base_fields[name]
                field.label = f"{field.label or name.capitalize()} (editor's)"
                field.help_text = "Set by an editor: a re-import of the source keeps it. " + str(field.help_text)
        return form

    def save_model(self, request, obj, form, change):
        """Remember which fields an editor set, so that a re-import of a changed source keeps them."""
        changed = set(form.changed_data) & set(EDITOR_FIELDS)
        if changed:
            obj.editor_fields = sorted(set(obj.editor_fields) | changed)
        super().save_model(request, obj, form, change)

    @admin.display(description="set by an editor")
    def editors_fields(self, statement):
        return ", ".join(statement.editor_fields) or "none: everything comes from the source"

    @admin.action(description="Move selected statements to another or a new speaker")
    def move_statements(self, request, queryset):
        form = MoveStatementsForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            target = form.target(queryset)
            moved = move_statements(list(queryset), target)
            self.message_user(request, f"Moved {moved} statement{pluralize(moved)} to {target}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "statements": queryset.select_related("speaker", "delegation"),
            "form": form,
            "opts": self.model._meta,
            "title": "Move statements to another speaker",
        }
        return render(request, "admin/statements/statement/move.html", context)

    @admin.display(ordering="delegation__name", description="delegation")
    def country(self, statement):
        return statement.delegation_name or None


class MoveStatementsForm(forms.Form):
    """Where statements go: an existing speaker record, or a new one made for them."""

    speaker = forms.ModelChoiceField(
        Speaker.objects.all(),
        required=False,
        widget=forms.NumberInput,
        label="Existing speaker (id)",
        help_text="The id of the record to move them to, as in its admin address.",
    )
    new_name = forms.CharField(max_length=200, required=False, label="Or a new speaker named")
    new_honorific = forms.CharField(max_length=50, required=False, label="Honorific of the new speaker")

    def clean(self):
        data = super().clean()
        if bool(data.get("speaker")) == bool(data.get("new_name", "").strip()):
            raise forms.ValidationError("Give either an existing speaker's id or a new speaker's name, not both.")
        if "/" in data.get("new_name", ""):
            raise forms.ValidationError("A speaker record names one person: no '/' in the name.")
        return data

    def target(self, statements):
        """The chosen speaker; a new one speaks for the statements' delegation."""
        if self.cleaned_data["speaker"]:
            return self.cleaned_data["speaker"]
        delegation = next((s.delegation for s in statements if s.delegation_id), None)
        speaker, _ = Speaker.objects.get_or_create(
            name=self.cleaned_data["new_name"].strip(),
            country=delegation,
            defaults={"honorific": self.cleaned_data["new_honorific"].strip()},
        )
        return speaker


def move_statements(statements, target: Speaker) -> int:
    """The inverse of a merge: these statements now belong to `target`. An editor decided it, so a
    re-import keeps it; a record left without statements is deleted."""
    with transaction.atomic():
        ids = {statement.pk for statement in statements}
        ids |= affected_statement_ids(target)
        sources = {statement.speaker_id for statement in statements if statement.speaker_id}
        for statement in statements:
            statement.speaker = target
            statement.speaker_as_written = ""
            statement.editor_fields = sorted(set(statement.editor_fields) | {"speaker"})
            statement.save(update_fields=["speaker", "speaker_as_written", "editor_fields", "modified"])
        Speaker.objects.filter(pk__in=sources - {target.pk}, statements=None).delete()
        queue_index_updates(ids)
    return len(statements)


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

    def get_urls(self):
        review = path("duplicates/", self.admin_site.admin_view(self.duplicates_view), name="speaker-duplicates")
        return [review, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "duplicates_url": reverse("admin:speaker-duplicates")}
        return super().changelist_view(request, extra_context)

    def duplicates_view(self, request):
        """Likely duplicate records of one delegation, with the evidence, each pair one click from a merge."""
        wanted = request.GET.get("q", "").strip()[:200]
        pairs = [pair for pair in likely_duplicates() if pair_matches(pair, wanted)]
        page = paginate(request, pairs, DUPLICATE_PAIRS_A_PAGE)
        context = {
            **self.admin_site.each_context(request),
            "pairs": page.object_list,
            "page": page,
            "wanted": wanted,
            "opts": self.model._meta,
            "title": "Likely duplicate speakers",
            "changelist_url": reverse("admin:statements_speaker_changelist"),
            "statements_url": reverse("admin:statements_statement_changelist"),
        }
        return render(request, "admin/statements/speaker/duplicates.html", context)

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
            surnames = sorted({split_surname(speaker.name)[0] for speaker in speakers}, key=str.casefold)
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
                'Merged {} into {}: {} statement{} moved. Merged by mistake? <a href="{}">List the statements moved</a>, '
                "select those of the other person and choose “Move selected statements to another or a new speaker”.",
                ", ".join(str(other) for other in others),
                keep,
                moved,
                pluralize(moved),
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
        moved = 0
        for statement in Statement.objects.filter(speaker__in=others):  # an editor's choice: a re-import keeps it
            statement.speaker = keep
            statement.editor_fields = sorted(set(statement.editor_fields) | {"speaker"})
            statement.save(update_fields=["speaker", "editor_fields", "modified"])
            moved += 1
        Speaker.objects.filter(pk__in=[other.pk for other in others]).delete()
        keep.save()
        # Already queued by the saves above; said here so that no later change loses it. Queued once.
        queue_index_updates(ids)
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
