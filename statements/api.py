"""The read-only JSON API under /api/, described by /api/openapi.json (statements/openapi.py).

Plain function views returning JsonResponse. Lists are paginated with `count`, `next` and
`previous`; `next` and `previous` carry a keyset cursor (as Datasette's `_next`): the rows after
the last one shown, in an order made unique by a tie-breaker, so the ten-thousandth page costs
what the first does. `page` still jumps to a page by number. Every resource has a stable id and
absolute links to its neighbours. /api/statements/ takes the search page's parameters through its SearchForm and runs
the same search engine, so it finds what /search/ finds, in the same order.

Every failure is JSON: 400 names the parameter, 404 says what was not found, 503 when the
search index cannot be read; ApiMiddleware makes the rest (403, 405, 429, 500) JSON too and
lets any origin read the API.
"""

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django import forms
from django.db.models import F, Prefetch, Q
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from .caching import DETAIL_SECONDS, LIST_SECONDS, STATEMENT_SECONDS, cacheable
from .citing import stable_url
from .keys import parse_resolution_key
from .models import Citation, Country, Meeting, Resolution, Speaker, Statement
from .search.engine import search_engine
from .search.forms import SearchForm

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000
LARGEST_ID = 2**63 - 1
MAX_CURSOR_CHARS = 1000
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")


class ApiError(Exception):
    def __init__(self, status, message, parameters=None):
        super().__init__(message)
        self.status, self.message, self.parameters = status, message, parameters or {}


ERROR_MESSAGES = {
    400: "Bad request.",
    403: "Forbidden: the API is read-only.",
    404: "Nothing is at this address; see /api/openapi.json for what is.",
    405: "The API is read-only: use GET.",
    429: "Too many requests from your address; try again after Retry-After seconds.",
    500: "The server failed to answer; the error is logged.",
    503: "The service is unavailable just now; try again after Retry-After seconds.",
}


class ApiMiddleware:
    """Under /api/: any origin may read (CORS, as Datasette and openparliament allow), and every
    error is JSON, including those raised before a view runs (CSRF 403, throttling 429) or by
    Django itself (405, 500). Headers a client acts on (Allow, Retry-After) are kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        if request.method == "OPTIONS":  # a browser's preflight before a conditional GET
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
            if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
                response = self.json_error(response)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Retry-After"
        return response

    def json_error(self, response):
        status = response.status_code
        message = ERROR_MESSAGES.get(status, "The request failed.")
        if status == 429 and response.has_header("Retry-After"):
            message = f"Too many requests from your address; try again in {response['Retry-After']} seconds."
        answer = JsonResponse({"error": message}, status=status)
        for header in ("Allow", "Retry-After", "Vary"):
            if response.has_header(header):
                answer[header] = response[header]
        return answer


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)
    cursor = forms.CharField(required=False, max_length=MAX_CURSOR_CHARS)

    def clean(self):
        data = super().clean()
        if data.get("page") and data.get("cursor"):
            raise forms.ValidationError("Give page or cursor, not both.")
        return data


def api_view(view=None, *, seconds=LIST_SECONDS):
    """GET and HEAD only; an ApiError becomes its JSON answer; a success may be kept `seconds`."""
    if view is None:
        return lambda view: api_view(view, seconds=seconds)

    @require_safe
    @cacheable(seconds)
    def wrapped(request, *args, **kwargs):
        try:
            return JsonResponse(view(request, *args, **kwargs), json_dumps_params={"ensure_ascii": False})
        except ApiError as error:
            body = {"error": error.message}
            if error.parameters:
                body["parameters"] = error.parameters
            return JsonResponse(body, status=error.status)

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


def page_link(request, **changes):
    query = request.GET.copy()
    for name in ("page", "cursor"):
        query.pop(name, None)
    query.update(changes)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def last_page(number, total, size):
    """The number of the last page; a page past it is a 404 (page 1 of nothing is an empty page)."""
    last = max(1, -(-total // size))
    if number > last:
        raise ApiError(404, f"page: there is no page {number}; the last is {last}.", {"page": ["Out of range."]})
    return last


def page_of(request, total, results, number, size):
    """The paginated envelope of a search's results, paged by number."""
    last = last_page(number, total, size)
    return {
        "count": total,
        "next": page_link(request, page=number + 1) if number < last else None,
        "previous": page_link(request, page=number - 1) if number > 1 else None,
        "results": results,
    }


@dataclass(frozen=True)
class Key:
    """One column of a keyset ordering; nullable columns sort their NULLs last."""

    name: str
    descending: bool = False
    nullable: bool = False
    parse: type = int

    def ordering(self):
        expression = F(self.name)
        if self.nullable:
            return expression.desc(nulls_last=True) if self.descending else expression.asc(nulls_last=True)
        return expression.desc() if self.descending else expression.asc()

    def value(self, item):
        for part in self.name.split("__"):
            item = getattr(item, part)
        return item.isoformat() if isinstance(item, dt.date) else item

    def beyond(self, value, forward):
        """Rows strictly after (forward) or before this value in this column's order."""
        if value is None:  # NULLs come last: nothing is after them, every value is before them
            return None if forward else Q(**{f"{self.name}__isnull": False})
        later = forward != self.descending
        clause = Q(**{f"{self.name}__{'gt' if later else 'lt'}": value})
        if self.nullable and forward:
            clause |= Q(**{f"{self.name}__isnull": True})
        return clause

    def same(self, value):
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})


class Keyset:
    """An order whose last key is unique, and the cursors that continue it from a row."""

    def __init__(self, *keys):
        self.keys = keys

    def order(self, queryset, forward=True):
        orderings = [key.ordering() for key in self.keys]
        if not forward:
            orderings = [ordering.copy() for ordering in orderings]
            for ordering in orderings:
                ordering.reverse_ordering()
        return queryset.order_by(*orderings)

    def beyond(self, values, forward):
        clauses, equal = [], Q()
        for key, value in zip(self.keys, values):
            clause = key.beyond(value, forward)
            if clause is not None:
                clauses.append(equal & clause)
            equal &= key.same(value)
        return reduce(or_, clauses) if clauses else Q(pk__in=[])

    def values(self, item):
        return [key.value(item) for key in self.keys]

    def cursor(self, item, forward):
        values = self.values(item)
        raw = json.dumps([1 if forward else 0, values], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def read(self, token):
        """(forward, values) from a cursor, or a 400 naming `cursor`."""
        try:
            direction, values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            if direction not in (0, 1) or len(values) != len(self.keys):
                raise ValueError
            parsed = [
                None if value is None and key.nullable else key.parse(value) for key, value in zip(self.keys, values)
            ]
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, RecursionError):
            message = "Not a cursor of this list; follow the next and previous links."
            raise ApiError(400, f"Invalid parameters. cursor: {message}", {"cursor": [message]}) from None
        return bool(direction), parsed


def date(value):
    return dt.date.fromisoformat(value)


# Each list's order, made unique by its last key.
NEWEST = Keyset(Key("year", True, True), Key("date", True, True, date), Key("pk", True))
OLDEST = Keyset(Key("date", False, True, date), Key("pk"))
BY_NAME = Keyset(Key("name", parse=str), Key("pk"))
MEETINGS = Keyset(Key("date", True, True, date), Key("symbol", parse=str))
MOST_CITED = Keyset(
    Key("citation_count", True), Key("body", parse=str), Key("session", nullable=True), Key("number"), Key("pk")
)
CITING = Keyset(Key("statement__date", False, True, date), Key("statement_id"))


def paginated(request, queryset, serialize, keyset):
    """A page of the queryset in the keyset's order: the first, page N by number, or the rows a
    cursor points past; `next` and `previous` are cursors, so following them never OFFSETs."""
    data = valid(PageForm(request.GET))
    size = data["page_size"] or DEFAULT_PAGE_SIZE
    total = queryset.count()
    if data["cursor"]:
        forward, values = keyset.read(data["cursor"])
        rows = list(keyset.order(queryset.filter(keyset.beyond(values, forward)), forward)[: size + 1])
        more, rows = len(rows) > size, rows[:size]
        if not forward:
            rows.reverse()
        # Whether rows lie the other way is one indexed EXISTS from the row at that end.
        other_end = (rows[0] if forward else rows[-1]) if rows else None
        other_way = (
            other_end is not None and queryset.filter(keyset.beyond(keyset.values(other_end), not forward)).exists()
        )
        has_next, has_previous = (more, other_way) if forward else (other_way, more)
    else:
        number = data["page"] or 1
        last_page(number, total, size)
        start = (number - 1) * size
        rows = list(keyset.order(queryset)[start : start + size])
        has_next, has_previous = start + size < total, number > 1
    return {
        "count": total,
        "next": page_link(request, cursor=keyset.cursor(rows[-1], True)) if has_next and rows else None,
        "previous": page_link(request, cursor=keyset.cursor(rows[0], False)) if has_previous and rows else None,
        "results": [serialize(request, item) for item in rows],
    }


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
        "speaker_as_written": statement.speaker_as_written or None,
        "role": statement.role or (speaker.role if speaker else "") or None,
        "country": country_ref(request, statement.delegation),
        "country_name": statement.delegation_name or None,
        "source": statement.source,
        "provenance": statement.provenance,
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
            for reference in statement.document_references.in_text_order()
        ],
        "cite": {
            "bibtex": absolute(request, "statement-cite-bibtex", statement.pk),
            "csl_json": absolute(request, "statement-cite-csl", statement.pk),
        },
    }


def with_details(statements):
    return statements.with_citations("paragraph", "resolution")


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
        "former_names": [{"name": name, "from": first, "until": last} for name, first, last in country.former_names],
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
        "documentation": absolute(request, "api-docs"),
    }


@api_view
def statement_list(request):
    """Statements newest first, or what a search with the search page's parameters finds."""
    form = SearchForm(request.GET)
    valid(form)
    number, size = page_size(request)
    if form.query or form.selected() or form.cleaned_data["date_from"] or form.cleaned_data["date_to"]:
        if request.GET.get("cursor"):
            message = "A search is paged by page number; cursors page the whole list."
            raise ApiError(400, f"Invalid parameters. cursor: {message}", {"cursor": [message]})
        outcome = search_engine().run(replace(form.search_request(), page=number, per_page=size))
        found = with_details(Statement.objects.all()).in_bulk(outcome.pks)
        results = [statement_summary(request, found[pk]) for pk in outcome.pks if pk in found]
        return page_of(request, outcome.total, results, number, size)
    keyset = OLDEST if form.sort_order == "oldest" else NEWEST
    return paginated(request, with_details(Statement.objects.all()), statement_summary, keyset)


@api_view(seconds=STATEMENT_SECONDS)
def statement_detail(request, pk):
    statement = with_details(Statement.objects.filter(pk=object_id(pk))).first()
    if statement is None:
        raise ApiError(404, f"No statement has the id {pk}.")
    return statement_full(request, statement)


def _speakers():
    return Speaker.objects.select_related("country").with_statement_counts()


@api_view
def speaker_list(request):
    return paginated(request, _speakers(), speaker_json, BY_NAME)


@api_view(seconds=DETAIL_SECONDS)
def speaker_detail(request, pk):
    speaker = _speakers().filter(pk=object_id(pk)).first()
    if speaker is None:
        raise ApiError(404, f"No speaker has the id {pk}.")
    return speaker_json(request, speaker)


def _countries():
    return Country.objects.with_counts()


@api_view
def country_list(request):
    return paginated(request, _countries(), country_json, BY_NAME)


@api_view(seconds=DETAIL_SECONDS)
def country_detail(request, slug):
    country = _countries().filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if country is None:
        raise ApiError(404, f"No country has the slug {slug[:40]}.")
    return country_json(request, country)


def _meetings():
    return Meeting.objects.with_statement_counts()


@api_view
def meeting_list(request):
    return paginated(request, _meetings(), meeting_json, MEETINGS)


@api_view(seconds=DETAIL_SECONDS)
def meeting_detail(request, pk):
    meeting = _meetings().filter(pk=object_id(pk)).first()
    if meeting is None:
        raise ApiError(404, f"No meeting has the id {pk}.")
    statements = with_details(meeting.statements.in_meeting_order())
    return {**meeting_json(request, meeting), "speeches": [statement_summary(request, s) for s in statements]}


@api_view
def resolution_list(request):
    """The registry, most cited first."""
    return paginated(request, Resolution.objects.with_citation_counts(), resolution_json, MOST_CITED)


def resolution_for_key(key):
    if parse_resolution_key(key) is None:
        raise ApiError(404, f"{key[:40]} is not a resolution key (sc-2341, ga-46-182).")
    resolution = Resolution.objects.for_keys([key]).with_citation_counts().first()
    if resolution is None:
        raise ApiError(404, f"No resolution has the key {key}.")
    return resolution


@api_view(seconds=DETAIL_SECONDS)
def resolution_detail(request, key):
    """A resolution with the statements citing it, by date, each with the sentence citing it."""
    resolution = resolution_for_key(key)
    citations = (
        Citation.objects.filter(resolution=resolution)
        .select_related("statement__speaker", "statement__delegation", "statement__meeting")
        .prefetch_related(Prefetch("statement__citations", queryset=Citation.objects.select_related("resolution")))
    )

    def citing(request, citation):
        return {
            "statement": statement_summary(request, citation.statement),
            "sentence": citation.sentence,
            "paragraph": citation.paragraph + 1,
            "cited_year": citation.cited_year,
        }

    return {**resolution_json(request, resolution), "citations": paginated(request, citations, citing, CITING)}


@api_view
def not_found(request, rest=""):
    raise ApiError(404, "Nothing is at this address; see /api/openapi.json for what is.")
