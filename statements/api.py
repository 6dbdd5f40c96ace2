"""The read-only JSON API under /api/, described by /api/openapi.json (statements/openapi.py).

Plain function views returning JsonResponse. Lists are paginated (`page`, `page_size`) with
`count`, `next` and `previous`; every resource has a stable id and absolute links to its
neighbours. /api/statements/ takes the search page's parameters through its SearchForm and runs
the same search engine, so it finds what /search/ finds, in the same order.

Every failure is JSON: 400 names the parameter, 404 says what was not found, 503 when the
search index cannot be read.
"""

import re
from dataclasses import replace
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from .citing import stable_url
from .keys import parse_resolution_key
from .models import Citation, Country, Meeting, Resolution, Speaker, Statement
from .search.engine import search_engine
from .search.forms import SearchForm
from .search.query import SearchUnavailable

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000
LARGEST_ID = 2**63 - 1
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


class ApiError(Exception):
    def __init__(self, status, message, parameters=None):
        super().__init__(message)
        self.status, self.message, self.parameters = status, message, parameters or {}


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)


def api_view(view):
    """GET only; an ApiError becomes its JSON answer."""

    @require_GET
    def wrapped(request, *args, **kwargs):
        try:
            return JsonResponse(view(request, *args, **kwargs), json_dumps_params={"ensure_ascii": False})
        except ApiError as error:
            body = {"error": error.message}
            if error.parameters:
                body["parameters"] = error.parameters
            return JsonResponse(body, status=error.status)
        except SearchUnavailable:
            return JsonResponse({"error": "The search index cannot be read just now."}, status=503)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


def valid(form):
    """The form's data, or a 400 naming each parameter that is wrong."""
    if form.is_valid():
        return form.cleaned_data
    errors = {
        ("parameters" if name == "__all__" else name): [str(e) for e in errs] for name, errs in form.errors.items()
    }
    summary = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
    raise ApiError(400, f"Invalid parameters. {summary}", errors)


def page_size(request):
    data = valid(PageForm(request.GET))
    return data["page"] or 1, data["page_size"] or DEFAULT_PAGE_SIZE


def object_id(value):
    """A path id as an integer the database can hold, or a 404."""
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= LARGEST_ID:
        raise ApiError(404, f"No such id: {value[:40]}.")
    return int(value)


def absolute(request, name, *args, query=None):
    url = request.build_absolute_uri(reverse(f"statements:{name}", args=args))
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def page_link(request, number):
    query = request.GET.copy()
    query["page"] = number
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page_of(request, total, results, number, size):
    """The paginated envelope; a page past the last is a 404 (page 1 of nothing is an empty page)."""
    last = max(1, -(-total // size))
    if number > last:
        raise ApiError(404, f"page: there is no page {number}; the last is {last}.", {"page": ["Out of range."]})
    return {
        "count": total,
        "next": page_link(request, number + 1) if number < last else None,
        "previous": page_link(request, number - 1) if number > 1 else None,
        "results": results,
    }


def paginated(request, queryset, serialize):
    number, size = page_size(request)
    paginator = Paginator(queryset, size)
    total = paginator.count
    if number > max(1, paginator.num_pages):
        return page_of(request, total, [], number, size)
    return page_of(request, total, [serialize(request, item) for item in paginator.page(number)], number, size)


# ---------------------------------------------------------------- representations


def resolution_ref(request, resolution):
    key = resolution.key
    return {"key": key, "symbol": resolution.symbol, "url": absolute(request, "api-resolution-detail", key)}


def speaker_ref(request, speaker):
    return speaker and {
        "id": speaker.pk,
        "name": speaker.name,
        "url": absolute(request, "api-speaker-detail", speaker.pk),
    }


def country_ref(request, country):
    return country and {
        "slug": country.slug,
        "name": country.name,
        "url": absolute(request, "api-country-detail", country.slug),
    }


def meeting_ref(request, meeting):
    return meeting and {
        "id": meeting.pk,
        "symbol": meeting.symbol,
        "url": absolute(request, "api-meeting-detail", meeting.pk),
    }


def statement_summary(request, statement):
    speaker = statement.speaker
    return {
        "id": statement.pk,
        "url": absolute(request, "api-statement-detail", statement.pk),
        "html_url": stable_url(request, statement),
        "title": statement.display_title,
        "date": statement.date.isoformat() if statement.date else None,
        "speaker": speaker_ref(request, speaker),
        "country": country_ref(request, speaker.country if speaker and speaker.country_id else None),
        "forum": statement.forum,
        "occasion": statement.occasion,
        "meeting": meeting_ref(request, statement.meeting),
        "resolutions": [resolution_ref(request, citation.resolution) for citation in statement.citations.all()],
    }


def statement_full(request, statement):
    html_url = stable_url(request, statement)
    return {
        **statement_summary(request, statement),
        "place": statement.place,
        "language": statement.language or "English",
        "position": statement.position,
        "paragraphs": statement.paragraphs,
        "citations": [
            {
                "resolution": resolution_ref(request, citation.resolution),
                "sentence": citation.sentence,
                "paragraph": citation.paragraph + 1,
                "cited_year": citation.cited_year,
                "html_url": f"{html_url}#p{citation.paragraph + 1}",
            }
            for citation in statement.citations.all()
        ],
        "documents": [
            {
                "symbol": reference.symbol,
                "sentence": reference.sentence,
                "paragraph": reference.paragraph + 1,
                "html_url": f"{html_url}#p{reference.paragraph + 1}",
            }
            for reference in statement.document_references.order_by("paragraph", "symbol")
        ],
        "cite": {
            "bibtex": absolute(request, "statement-cite-bibtex", statement.pk),
            "csl_json": absolute(request, "statement-cite-csl", statement.pk),
        },
    }


def with_details(statements):
    citations = Prefetch(
        "citations", queryset=Citation.objects.select_related("resolution").order_by("paragraph", "resolution")
    )
    return statements.with_people().prefetch_related(citations)


def speaker_json(request, speaker):
    return {
        **speaker_ref(request, speaker),
        "html_url": request.build_absolute_uri(speaker.get_absolute_url()),
        "honorific": speaker.honorific,
        "role": speaker.role,
        "country": country_ref(request, speaker.country),
        "statement_count": speaker.statement_count,
        "statements": absolute(request, "api-statement-list", query={"speaker": speaker.pk}),
    }


def country_json(request, country):
    return {
        **country_ref(request, country),
        "html_url": request.build_absolute_uri(country.get_absolute_url()),
        "kind": country.kind,
        "statement_count": country.statement_count,
        "statements": absolute(request, "api-statement-list", query={"country": country.slug}),
    }


def meeting_json(request, meeting):
    return {
        **meeting_ref(request, meeting),
        "html_url": request.build_absolute_uri(meeting.get_absolute_url()),
        "date": meeting.date.isoformat() if meeting.date else None,
        "topic": meeting.topic,
        "kind": meeting.kind,
        "statement_count": meeting.statement_count,
    }


def resolution_json(request, resolution):
    ref = resolution_ref(request, resolution)
    return {
        **ref,
        "html_url": request.build_absolute_uri(resolution.get_absolute_url()),
        "body": resolution.body,
        "session": resolution.session,
        "number": resolution.number,
        "year": resolution.year,
        "date": resolution.date.isoformat() if resolution.date else None,
        "title": resolution.title,
        "citation_count": resolution.citation_count,
        "statements": absolute(request, "api-statement-list", query={"resolution": ref["key"]}),
    }


# ---------------------------------------------------------------- views


@api_view
def index(request):
    """What the API holds, with a link to each list and to its description."""
    return {
        "statements": absolute(request, "api-statement-list"),
        "speakers": absolute(request, "api-speaker-list"),
        "countries": absolute(request, "api-country-list"),
        "meetings": absolute(request, "api-meeting-list"),
        "resolutions": absolute(request, "api-resolution-list"),
        "openapi": absolute(request, "api-openapi"),
    }


@api_view
def statement_list(request):
    """Statements newest first, or what a search with the search page's parameters finds."""
    form = SearchForm(request.GET)
    valid(form)
    number, size = page_size(request)
    if form.query or form.selected() or form.cleaned_data["date_from"] or form.cleaned_data["date_to"]:
        outcome = search_engine().run(replace(form.search_request(), page=number, per_page=size))
        found = with_details(Statement.objects.all()).in_bulk(outcome.pks)
        results = [statement_summary(request, found[pk]) for pk in outcome.pks if pk in found]
        return page_of(request, outcome.total, results, number, size)
    statements = with_details(Statement.objects.all())
    ordered = (
        statements.order_by(F("date").asc(nulls_last=True), "pk")
        if form.sort_order == "oldest"
        else statements.newest_first()
    )
    return paginated(request, ordered, statement_summary)


@api_view
def statement_detail(request, pk):
    statement = with_details(Statement.objects.filter(pk=object_id(pk))).first()
    if statement is None:
        raise ApiError(404, f"No statement has the id {pk}.")
    return statement_full(request, statement)


def _speakers():
    return Speaker.objects.select_related("country").annotate(statement_count=Count("statements"))


@api_view
def speaker_list(request):
    return paginated(request, _speakers().order_by("name", "pk"), speaker_json)


@api_view
def speaker_detail(request, pk):
    speaker = _speakers().filter(pk=object_id(pk)).first()
    if speaker is None:
        raise ApiError(404, f"No speaker has the id {pk}.")
    return speaker_json(request, speaker)


def _countries():
    return Country.objects.annotate(statement_count=Count("speakers__statements", distinct=True))


@api_view
def country_list(request):
    return paginated(request, _countries().order_by("name"), country_json)


@api_view
def country_detail(request, slug):
    country = _countries().filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if country is None:
        raise ApiError(404, f"No country has the slug {slug[:40]}.")
    return country_json(request, country)


def _meetings():
    return Meeting.objects.annotate(statement_count=Count("statements"))


@api_view
def meeting_list(request):
    return paginated(request, _meetings().order_by(F("date").desc(nulls_last=True), "symbol"), meeting_json)


@api_view
def meeting_detail(request, pk):
    meeting = _meetings().filter(pk=object_id(pk)).first()
    if meeting is None:
        raise ApiError(404, f"No meeting has the id {pk}.")
    statements = with_details(meeting.statements.all()).order_by(F("position").asc(nulls_last=True), "pk")
    return {**meeting_json(request, meeting), "speeches": [statement_summary(request, s) for s in statements]}


@api_view
def resolution_list(request):
    """The registry, most cited first."""
    resolutions = Resolution.objects.with_citation_counts().order_by("-citation_count", "body", "session", "number")
    return paginated(request, resolutions, resolution_json)


def resolution_for_key(key):
    if parse_resolution_key(key) is None:
        raise ApiError(404, f"{key[:40]} is not a resolution key (sc-2341, ga-46-182).")
    resolution = Resolution.objects.for_keys([key]).with_citation_counts().first()
    if resolution is None:
        raise ApiError(404, f"No resolution has the key {key}.")
    return resolution


@api_view
def resolution_detail(request, key):
    """A resolution with the statements citing it, by date, each with the sentence citing it."""
    resolution = resolution_for_key(key)
    citations = (
        Citation.objects.filter(resolution=resolution)
        .select_related("statement__speaker__country", "statement__meeting")
        .prefetch_related(Prefetch("statement__citations", queryset=Citation.objects.select_related("resolution")))
        .order_by(F("statement__date").asc(nulls_last=True), "statement_id")
    )

    def citing(request, citation):
        return {
            "statement": statement_summary(request, citation.statement),
            "sentence": citation.sentence,
            "paragraph": citation.paragraph + 1,
            "cited_year": citation.cited_year,
        }

    return {**resolution_json(request, resolution), "citations": paginated(request, citations, citing)}


@api_view
def not_found(request, rest=""):
    raise ApiError(404, "Nothing is at this address; see /api/openapi.json for what is.")
