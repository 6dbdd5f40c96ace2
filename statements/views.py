"""Pages people read. Thin function views; queries live on the models' QuerySets."""

import json
from itertools import groupby
from pathlib import Path

from django import forms
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from . import charts, citing, dataset
from .caching import DETAIL_SECONDS, LIST_SECONDS, STATEMENT_SECONDS, cacheable
from .markup import linked_paragraphs, marked_sentence
from .models import Citation, Country, Meeting, Resolution, Speaker, Statement
from .pagination import paginate

PER_PAGE = 20
DIRECTORY_PER_PAGE = 50
SIMILAR_LIMIT = 5

# ?sort= on the resolution registry: key -> (label, ordering).
RESOLUTION_ORDERINGS = {
    "cited": ("Most cited", ["-citation_count", "body", "session", "number"]),
    "number": ("Number", ["body", "session", "number"]),
    "year": ("Newest", [F("year").desc(nulls_last=True), "-number"]),
}
DEFAULT_RESOLUTION_ORDERING = "cited"


def more_like_this(statement):
    """A few statements a reader of this one would want next, each with the reason it is shown.

    Measured on 2,600 Security Council speeches: haystack's more_like_this on Whoosh took
    120-380 ms a page and mostly returned the same speaker's other speeches, so this asks the
    database instead: shared resolutions first, then the same agenda item, speaker, country.
    """
    others = Statement.objects.with_people().exclude(pk=statement.pk)
    resolution_ids = [citation.resolution_id for citation in statement.citations.all()]
    topic = statement.meeting.topic if statement.meeting_id else statement.occasion
    speaker = statement.speaker
    candidates = []
    if resolution_ids:
        # Counted on the citations table alone, then the few statements read: grouping whole
        # statement rows (their text included) took 0.37 s for a speech citing 14 resolutions
        # that hundreds of others cite.
        most_shared = (
            Citation.objects.filter(resolution__in=resolution_ids)
            .exclude(statement=statement.pk)
            .values("statement")
            .annotate(shared=Count("resolution", distinct=True))
            .order_by("-shared", F("statement__date").desc(nulls_last=True), "statement")
            .values_list("statement", flat=True)[:SIMILAR_LIMIT]
        )
        pks = list(most_shared)
        found = others.in_bulk(pks)
        candidates.append(([found[pk] for pk in pks if pk in found], "Cites the same resolutions"))
    if topic:
        candidates.append(
            (others.filter(Q(meeting__topic=topic) | Q(occasion=topic)).newest_first(), "Same agenda item")
        )
    if speaker:
        candidates.append((others.filter(speaker=speaker).newest_first(), "Same speaker"))
    if statement.delegation_id:
        candidates.append(
            (others.of_delegation(statement.delegation_id).newest_first(), f"Also {statement.delegation.name}")
        )
    chosen = {}
    for queryset, reason in candidates:
        if len(chosen) >= SIMILAR_LIMIT:
            break
        for other in queryset[:SIMILAR_LIMIT]:
            chosen.setdefault(other.pk, (other, reason))
    return list(chosen.values())[:SIMILAR_LIMIT]


@require_safe
def favicon(request):
    """Browsers, the admin and API clients ask for /favicon.ico: send them the SVG icon."""
    response = redirect(static("favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
@cacheable(LIST_SECONDS)
def home(request):
    counts = {
        "statements": Statement.objects.count(),
        "speakers": Speaker.objects.count(),
        "countries": Country.objects.count(),
        "resolutions": Resolution.objects.cited().count(),
        "meetings": Meeting.objects.count(),
    }
    recent = Statement.objects.with_people().newest_first()[:8]
    most_cited = Resolution.objects.most_cited()[:10]
    return render(request, "statements/home.html", {"counts": counts, "recent": recent, "most_cited": most_cited})


@require_safe
@cacheable(LIST_SECONDS)
def statement_list(request):
    page = paginate(request, Statement.objects.with_people().newest_first(), PER_PAGE)
    return render(request, "statements/statement_list.html", {"page": page})


@require_safe
@cacheable(STATEMENT_SECONDS)
def statement_detail(request, pk, slug=None):
    statement = get_object_or_404(Statement.objects.with_people(), pk=pk)
    if request.path != statement.get_absolute_url():
        return redirect(statement, permanent=True)
    citations = list(statement.citations.in_text_order())
    references = list(statement.document_references.in_text_order())
    meeting_urls = {
        meeting.symbol: meeting.get_absolute_url()
        for meeting in Meeting.objects.filter(symbol__in=[reference.symbol for reference in references])
    }
    stable_url = citing.stable_url(request, statement)
    context = {
        "statement": statement,
        "paragraphs": linked_paragraphs(statement, citations, references, meeting_urls),
        "citations": citations,
        "references": references,
        "similar": more_like_this(statement),
        "stable_url": stable_url,
        "citation": citing.plain_citation(statement, stable_url),
        "bibtex": citing.bibtex(statement, stable_url),
    }
    return render(request, "statements/statement_detail.html", context)


@require_safe
@cacheable(STATEMENT_SECONDS)
def statement_cite_bibtex(request, pk):
    statement = get_object_or_404(Statement.objects.with_people(), pk=pk)
    response = HttpResponse(
        citing.bibtex(statement, citing.stable_url(request, statement)),
        content_type="application/x-bibtex; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="statement-{statement.pk}.bib"'
    return response


@require_safe
@cacheable(STATEMENT_SECONDS)
def statement_cite_csl(request, pk):
    """CSL-JSON: a list of one item, as citeproc, Zotero and Pandoc read it."""
    statement = get_object_or_404(Statement.objects.with_people(), pk=pk)
    item = citing.csl_item(statement, citing.stable_url(request, statement))
    response = HttpResponse(
        json.dumps([item], ensure_ascii=False, indent=2),
        content_type="application/vnd.citationstyles.csl+json; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="statement-{statement.pk}.json"'
    return response


def year_rows(statements, **search_params):
    """Statements per year, each year with the search narrowing to it."""
    return [
        (year, count, charts.search_url(**search_params, year=year))
        for year, count in charts.statements_per_year(statements)
    ]


class DirectoryForm(forms.Form):
    """?q= and ?sort= on the speaker and country directories."""

    q = forms.CharField(required=False, max_length=100, strip=True)
    sort = forms.ChoiceField(required=False, choices=[("name", "Name"), ("statements", "Most statements")])


def directory_query(request):
    """(q, sort, status): a wrong parameter shows the whole directory by name with a 400."""
    form = DirectoryForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["q"], form.cleaned_data["sort"] or "name", 200, form
    return "", "name", 400, form


@require_safe
@cacheable(LIST_SECONDS)
def speaker_list(request):
    """Speakers by surname, or by statements; ?q= keeps those whose name or delegation matches."""
    q, sort, status, form = directory_query(request)
    speakers = Speaker.objects.select_related("country").with_statement_counts().matching(q)
    ordered = (
        speakers.order_by("-statement_count", "sort_name", "pk") if sort == "statements" else speakers.by_surname()
    )
    page = paginate(request, ordered, DIRECTORY_PER_PAGE)
    spoken_for = Country.objects.spoken_for_by_each([speaker.pk for speaker in page])
    for speaker in page:
        # The delegations of their statements; the one first recorded when no statement names one.
        speaker.delegations = spoken_for.get(speaker.pk) or ([speaker.country] if speaker.country else [])
    sorts = [("name", "Surname"), ("statements", "Most statements")]
    context = {
        "page": page,
        "form": form,
        "q": q,
        "sort": sort,
        "sorts": sorts,
    }
    return render(request, "statements/speaker_list.html", context, status=status)


@require_safe
@cacheable(DETAIL_SECONDS)
def speaker_detail(request, pk, slug=None):
    speaker = get_object_or_404(Speaker.objects.select_related("country"), pk=pk)
    if request.path != speaker.get_absolute_url():
        return redirect(speaker, permanent=True)
    page = paginate(request, speaker.statements.with_people().newest_first(), PER_PAGE)
    most_cited = Resolution.objects.filter(citations__statement__speaker=speaker).most_cited()[:10]
    statements = speaker.statements.all()
    per_year = charts.year_chart(
        year_rows(statements, speaker=speaker.pk), chart_id="speaker-years", undated=statements.undated().count()
    )
    context = {
        "speaker": speaker,
        "delegations": Country.objects.spoken_for_by(speaker),
        "page": page,
        "most_cited": most_cited,
        "per_year": per_year,
    }
    return render(request, "statements/speaker_detail.html", context)


@require_safe
@cacheable(LIST_SECONDS)
def country_list(request):
    """Delegations by name, or by statements; ?q= keeps those whose name matches."""
    q, sort, status, form = directory_query(request)
    countries = Country.objects.with_counts()
    if q:
        countries = countries.filter(name__icontains=q)
    ordered = countries.order_by("-statement_count", "name") if sort == "statements" else countries.order_by("name")
    sorts = [("name", "Name"), ("statements", "Most statements")]
    context = {"countries": ordered, "form": form, "q": q, "sort": sort, "sorts": sorts}
    return render(request, "statements/country_list.html", context, status=status)


@require_safe
@cacheable(DETAIL_SECONDS)
def country_detail(request, slug):
    country = get_object_or_404(Country, slug=slug)
    speakers = Speaker.objects.speaking_for(country).order_by("-statement_count", "name")
    page = paginate(request, Statement.objects.with_people().of_delegation(country).newest_first(), PER_PAGE)
    most_cited = Resolution.objects.filter(citations__statement__delegation=country).most_cited()[:10]
    statements = Statement.objects.of_delegation(country)
    per_year = charts.year_chart(
        year_rows(statements, country=country.slug), chart_id="country-years", undated=statements.undated().count()
    )
    context = {"country": country, "speakers": speakers, "page": page, "most_cited": most_cited, "per_year": per_year}
    return render(request, "statements/country_detail.html", context)


@require_safe
@cacheable(LIST_SECONDS)
def resolution_list(request):
    """The registry. An unknown ?sort= gets the default order, a message and a 400."""
    sort = request.GET.get("sort") or DEFAULT_RESOLUTION_ORDERING
    status, message = 200, ""
    if sort not in RESOLUTION_ORDERINGS:
        status, message = 400, "That sort order does not exist; showing the most cited first."
        sort = DEFAULT_RESOLUTION_ORDERING
    ordering = RESOLUTION_ORDERINGS[sort][1]
    page = paginate(request, Resolution.objects.with_citation_counts().order_by(*ordering), DIRECTORY_PER_PAGE)
    context = {
        "page": page,
        "sort": sort,
        "orderings": {key: label for key, (label, _) in RESOLUTION_ORDERINGS.items()},
        "message": message,
    }
    return render(request, "statements/resolution_list.html", context, status=status)


RESOLUTION_PER_PAGE = 20


def year_jumps(per_year, per_page, current):
    """For each year, the page where its citations start: a jump list over a paged list."""
    jumps, before = [], 0
    for year, count in per_year:
        number = before // per_page + 1
        anchor = f"#year-{year or 'undated'}"
        jumps.append({"year": year, "count": count, "url": anchor if number == current else f"?page={number}{anchor}"})
        before += count
    return jumps


def _resolution_page(request, resolution):
    citations = (
        Citation.objects.filter(resolution=resolution)
        .select_related("resolution", "statement__speaker", "statement__delegation", "statement__meeting")
        .by_statement_year()
    )
    page = paginate(request, citations, RESOLUTION_PER_PAGE)
    for citation in page:
        citation.marked_sentence = marked_sentence(citation)
    groups = [(year, list(items)) for year, items in groupby(page, key=lambda citation: citation.statement.year)]
    key = resolution.key
    citing = Statement.objects.citing(resolution)
    per_year = charts.year_chart(
        year_rows(citing, resolution=key),
        title="Statements citing it, per year",
        chart_id="resolution-years",
        undated=citing.undated().count(),
    )
    context = {
        "resolution": resolution,
        "page": page,
        "groups": groups,
        "jumps": year_jumps(citations.per_statement_year(), RESOLUTION_PER_PAGE, page.number),
        "countries": charts.citing_delegations(resolution),
        "cited_together": charts.cited_together(resolution),
        "per_year": per_year,
        "search_key": key,
    }
    return render(request, "statements/resolution_detail.html", context)


@require_safe
@cacheable(DETAIL_SECONDS)
def resolution_detail(request, number):
    resolution = get_object_or_404(Resolution, body=Resolution.Body.SECURITY_COUNCIL, number=number)
    return _resolution_page(request, resolution)


@require_safe
@cacheable(DETAIL_SECONDS)
def ga_resolution_detail(request, session, number):
    resolution = get_object_or_404(Resolution, body=Resolution.Body.GENERAL_ASSEMBLY, session=session, number=number)
    return _resolution_page(request, resolution)


@require_safe
@cacheable(LIST_SECONDS)
def meeting_list(request):
    meetings = Meeting.objects.with_statement_counts().order_by(F("date").desc(nulls_last=True), "symbol")
    page = paginate(request, meetings, DIRECTORY_PER_PAGE)
    return render(request, "statements/meeting_list.html", {"page": page})


@require_safe
@cacheable(DETAIL_SECONDS)
def meeting_detail(request, symbol):
    meeting = get_object_or_404(Meeting, symbol=symbol)
    statements = meeting.statements.with_people().in_meeting_order()
    most_cited = Resolution.objects.filter(citations__statement__meeting=meeting).most_cited()[:10]
    context = {"meeting": meeting, "statements": statements, "most_cited": most_cited}
    return render(request, "statements/meeting_detail.html", context)


@require_safe
@cacheable(LIST_SECONDS)
def data_page(request):
    """/data/: the latest dataset package that `export_dataset` wrote, with sizes and checksums."""
    return render(request, "statements/data.html", {"package": dataset.latest_package()})


DATA_CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".sqlite": "application/vnd.sqlite3",
}


@require_safe
def data_file(request, folder, path):
    """/data/<package>/<file>: a file listed in that package's SHA256SUMS, as written."""
    package = dataset.read_package(dataset.dataset_dir() / folder) if dataset.FOLDER.match(folder) else None
    listed = package.file(path) if package else None
    if listed is None and not (package and path == dataset.CHECKSUMS):
        raise Http404("No such file in the dataset.")
    response = FileResponse(
        open(dataset.dataset_dir() / folder / path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        content_type=DATA_CONTENT_TYPES.get(Path(path).suffix, "text/plain; charset=utf-8"),
        as_attachment=Path(path).suffix in (".csv", ".sqlite"),
        filename=path,
    )
    response["Cache-Control"] = "public, max-age=31536000, immutable"  # a package folder never changes
    if listed:
        response["ETag"] = f'"{listed.sha256}"'
    return response
